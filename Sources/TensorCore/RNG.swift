import Foundation

/// A seeded, splittable random number generator (SplitMix64).
///
/// The same seed gives the same stream on every platform. ``split()`` derives an
/// independent generator deterministically, so parallel work (one stream per thread or
/// per row) stays reproducible whatever order it runs in.
public struct SplitMix: RandomNumberGenerator, Sendable {
    private var state: UInt64
    private let gamma: UInt64

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        state = seed
        gamma = 0x9E37_79B9_7F4A_7C15
    }

    private init(state: UInt64, gamma: UInt64) {
        self.state = state
        self.gamma = gamma | 1
    }

    private static func mix64(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= gamma
        return SplitMix.mix64(state)
    }

    /// A new generator, independent of this one's future output (SplittableRandom's split).
    public mutating func split() -> SplitMix {
        let seed = next()
        let gammaSeed = next()
        var childGamma = SplitMix.mix64(gammaSeed &* 0xFF51_AFD7_ED55_8CCD) | 1
        // Gammas with too few bit transitions give weak streams; flip them as SplitMix does.
        if (childGamma ^ (childGamma >> 1)).nonzeroBitCount < 24 { childGamma ^= 0xAAAA_AAAA_AAAA_AAAA }
        return SplitMix(state: seed, gamma: childGamma)
    }

    /// Uniform in [0, 1), 24 random bits.
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [0, 1), 53 random bits.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Normal with the given mean and standard deviation (Box–Muller, one value per call).
    public mutating func nextNormal(mean: Float = 0, std: Float = 1) -> Float {
        let u1 = 1.0 - nextDouble()   // (0, 1]: log stays finite
        let u2 = nextDouble()
        let radius = (-2.0 * _log(u1)).squareRoot()
        return mean + std * Float(radius * _cos(2.0 * Double.pi * u2))
    }

    /// Fills `buffer` with uniform values in [low, high).
    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, low: Float = 0, high: Float = 1) {
        for i in buffer.indices { buffer[i] = low + (high - low) * nextFloat() }
    }

    /// Fills `buffer` with normal values.
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1) {
        for i in buffer.indices { buffer[i] = nextNormal(mean: mean, std: std) }
    }
}

@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }

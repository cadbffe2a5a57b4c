/// A small deterministic random source (SplitMix64), so that every run of the benchmark generates
/// the same bytes on every machine and toolchain: the standard library's `random(in:using:)` may
/// change how it draws, this does not.
struct SeededGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A generator for one named part of the data (one object, one file), independent of the order
    /// in which parts are generated.
    init(_ parts: UInt64...) {
        var mixed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for part in parts { mixed = Self.mix(mixed ^ (part &+ 0x632B_E59B_D9B4_E019)) }
        state = mixed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range` (the modulo bias is far below anything a benchmark could notice).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) / Double(UInt64(1) << 53) < probability
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[int(0...(items.count - 1))]
    }

    /// Lower-case letters and digits, like Kubernetes' generated name suffixes.
    mutating func suffix(_ length: Int) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<length).map { _ in alphabet[int(0...(alphabet.count - 1))] })
    }

    /// A UUID-shaped string.
    mutating func uid() -> String {
        let a = next()
        let b = next()
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text.suffix(digits)
        }
        return
            "\(hex(a >> 32, 8))-\(hex((a >> 16) & 0xffff, 4))-4\(hex(a & 0xfff, 3))-a\(hex(b >> 52, 3))-\(hex(b & 0xffff_ffff_ffff, 12))"
    }

    /// Deterministic Fisher–Yates shuffle.
    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, int(0...index))
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The keys of the objects a strict `JSONReader` has open, to find a duplicate key without
/// building trees. Keys are kept as offsets into the reader's input; a key written with escapes
/// is kept decoded, since `"a"` and `"\u0061"` are the same key. A value inside the reader: a class
/// would be checked for exclusive access on every use, which cost a tenth of a snapshot read.
struct KeyLog {
    struct Position: Sendable {
        var keys: Int
        var frames: Int
    }

    private var starts: [Int] = []
    /// Byte count of the key, or -1 - index into `decoded` for a key with escapes.
    private var lengths: [Int] = []
    private var decoded: [[UInt8]] = []
    /// Where each open object's keys start in `starts`.
    private var frames: [Int] = []

    var position: Position { Position(keys: starts.count, frames: frames.count) }

    mutating func restore(_ position: Position) {
        truncate(to: position.keys)
        if frames.count > position.frames { frames.removeLast(frames.count - position.frames) }
    }

    mutating func open() { frames.append(starts.count) }

    mutating func close() {
        guard let start = frames.popLast() else { return }
        truncate(to: start)
    }

    /// Adds a key of the innermost open object; false when that object already has it.
    mutating func add(_ key: JSONKey, base: UnsafeRawBufferPointer) -> Bool {
        guard let bufferStart = base.baseAddress else { return true }
        let text: [UInt8]? = key.escaped ? Array(key.string.utf8) : nil
        let count = text?.count ?? key.raw.count
        for index in (frames.last ?? 0)..<starts.count {
            let length = lengths[index]
            if length >= 0 {
                guard length == count else { continue }
                let stored = UnsafeRawBufferPointer(start: bufferStart + starts[index], count: length)
                if Self.equal(stored, key, text) { return false }
            } else {
                let stored = decoded[-1 - length]
                guard stored.count == count else { continue }
                let same = stored.withUnsafeBytes { Self.equal($0, key, text) }
                if same { return false }
            }
        }
        if let text {
            starts.append(0)
            lengths.append(-1 - decoded.count)
            decoded.append(text)
        } else {
            starts.append(key.raw.baseAddress.map { bufferStart.distance(to: $0) } ?? 0)
            lengths.append(count)
        }
        return true
    }

    /// Same length already checked.
    private static func equal(_ stored: UnsafeRawBufferPointer, _ key: JSONKey, _ text: [UInt8]?) -> Bool {
        guard let storedStart = stored.baseAddress, stored.count > 0 else { return true }
        if let text {
            return text.withUnsafeBytes { bytes in
                guard let textStart = bytes.baseAddress else { return false }
                return memcmp(storedStart, textStart, stored.count) == 0
            }
        }
        guard let keyStart = key.raw.baseAddress else { return false }
        return memcmp(storedStart, keyStart, stored.count) == 0
    }

    private mutating func truncate(to count: Int) {
        guard starts.count > count else { return }
        for index in count..<starts.count where lengths[index] < 0 {
            decoded.removeLast(decoded.count - (-1 - lengths[index]))
            break
        }
        starts.removeLast(starts.count - count)
        lengths.removeLast(lengths.count - count)
    }
}

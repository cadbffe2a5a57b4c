import Foundation

/// Buffered writes to a file or pipe: the generator writes hundreds of megabytes in small pieces.
final class ByteSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let closesHandle: Bool
    private(set) var written = 0

    init(handle: FileHandle, closesHandle: Bool = false) {
        self.handle = handle
        self.closesHandle = closesHandle
        buffer.reserveCapacity(1 << 22)
    }

    convenience init(creating path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw BenchError("cannot create \(path)") }
        self.init(handle: handle, closesHandle: true)
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        written += text.utf8.count
        if buffer.count >= 1 << 22 { flush() }
    }

    func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        written += bytes.count
        if buffer.count >= 1 << 22 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        flush()
        if closesHandle { try handle.close() }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

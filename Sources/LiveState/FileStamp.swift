import Foundation

/// A file's identity and change time: a rotated token file gets a new inode (the kubelet swaps a
/// symlink) or a new modification time (an editor, a script).
struct FileStamp: Equatable {
    var inode: UInt64
    var modified: Date
    var size: UInt64
    /// False for a FIFO or device (`<(…)`): read once, and never again (it would wait for a writer).
    var regular: Bool

    init?(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        modified = attributes[.modificationDate] as? Date ?? .distantPast
        size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        regular = (attributes[.type] as? FileAttributeType) == .typeRegular
    }
}

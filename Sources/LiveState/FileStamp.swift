import Foundation

/// A file's identity and change time: a rotated token file gets a new inode or a new mtime.
struct FileStamp: Equatable {
    var inode: UInt64
    var modified: TimeInterval
    var size: Int64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        modified = TimeInterval(info.st_mtim.tv_sec) + TimeInterval(info.st_mtim.tv_nsec) / 1e9
        size = Int64(info.st_size)
    }
}

import FileIO
import Foundation
import Testing

/// Outputs replace only regular files: a device, FIFO or symbolic link stays what it was.
@Suite struct OutputPathTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "endpoint-drift-out-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func mode(_ path: String, follow: Bool = false) -> mode_t? {
        var info = stat()
        guard (follow ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        return info.st_mode
    }

    static func device(_ path: String) -> (mode_t, UInt)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return (info.st_mode, UInt(info.st_rdev))
    }

    @Test("/dev/null is written in place and stays the device")
    func devNull() throws {
        let before = try #require(Self.device("/dev/null"))
        try AtomicFile.write("report\n", to: "/dev/null")
        let transaction = FileTransaction()
        transaction.write(Data("patch\n".utf8), to: "/dev/null")
        try transaction.stage()
        try transaction.commit()
        transaction.finish()
        let after = try #require(Self.device("/dev/null"))
        #expect(after.0 == before.0 && after.1 == before.1)
    }

    @Test("/dev/full is a write error naming the path, and stays the device")
    func devFull() throws {
        guard let before = Self.device("/dev/full") else { return }
        #expect {
            try AtomicFile.write("report\n", to: "/dev/full")
        } throws: { error in
            "\(error)".contains("/dev/full") && "\(error)".contains("No space left on device")
        }
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // In a transaction the regular files written before the device are undone.
        let transaction = FileTransaction()
        transaction.write(Data("a\n".utf8), to: folder + "/a.txt")
        transaction.write(Data("patch\n".utf8), to: "/dev/full")
        try transaction.stage()
        #expect(throws: AtomicFile.WriteError.self) { try transaction.commit() }
        #expect(!FileManager.default.fileExists(atPath: folder + "/a.txt"))
        let after = try #require(Self.device("/dev/full"))
        #expect(after.0 == before.0 && after.1 == before.1)
    }

    @Test("a FIFO is written in place and stays a FIFO")
    func fifo() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/pipe"
        #expect(mkfifo(path, 0o600) == 0)
        // A reader on another thread: opening a FIFO for writing waits for one.
        let reader = Task.detached { () -> String in
            let descriptor = open(path, O_RDONLY)
            defer { close(descriptor) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                if count <= 0 { break }
                bytes += buffer[0..<count]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        try AtomicFile.write("through the pipe\n", to: path)
        #expect(await reader.value == "through the pipe\n")
        #expect(Self.mode(path).map { $0 & S_IFMT } == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["pipe"])
    }

    @Test("a symbolic link is followed, never replaced; a dangling one is refused")
    func symlinks() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "old\n".write(toFile: folder + "/target.txt", atomically: false, encoding: .utf8)
        #expect(symlink("target.txt", folder + "/link.txt") == 0)
        try AtomicFile.write("new\n", to: folder + "/link.txt")
        #expect(Self.mode(folder + "/link.txt").map { $0 & S_IFMT } == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/link.txt") == "target.txt")
        #expect(try String(contentsOfFile: folder + "/target.txt", encoding: .utf8) == "new\n")

        let transaction = FileTransaction()
        transaction.write(Data("newer\n".utf8), to: folder + "/link.txt")
        try transaction.stage()
        try transaction.commit()
        transaction.finish()
        #expect(Self.mode(folder + "/link.txt").map { $0 & S_IFMT } == S_IFLNK)
        #expect(try String(contentsOfFile: folder + "/target.txt", encoding: .utf8) == "newer\n")

        #expect(symlink("missing.txt", folder + "/dangling.txt") == 0)
        #expect {
            try AtomicFile.write("x\n", to: folder + "/dangling.txt")
        } throws: { error in
            "\(error)".contains("symbolic link to a missing file")
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/dangling.txt") == "missing.txt")
        #expect(!FileManager.default.fileExists(atPath: folder + "/missing.txt"))
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write("x\n", to: folder) }
    }

    @Test("a new file gets the mode of a new file; a replaced one keeps its own")
    func modes() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mask = umask(0o022)
        umask(mask)
        try AtomicFile.write("new\n", to: folder + "/new.txt")
        #expect(Self.mode(folder + "/new.txt").map { $0 & 0o777 } == 0o666 & ~mask)
        try "secret\n".write(toFile: folder + "/private.txt", atomically: false, encoding: .utf8)
        #expect(chmod(folder + "/private.txt", 0o600) == 0)
        try AtomicFile.write("still secret\n", to: folder + "/private.txt")
        #expect(Self.mode(folder + "/private.txt").map { $0 & 0o777 } == 0o600)
    }

    @Test(
        "paths under a folder stay inside it",
        arguments: ["../x", "a/../../x", "/etc/passwd", "", "a//b", "./a", "a/."])
    func containedRefusals(relative: String) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: AtomicFile.WriteError.self) { try ContainedPath.resolve(relative, under: folder) }
    }

    @Test("a symbolic link out of the folder is refused; one inside is allowed")
    func containedLinks() throws {
        let folder = try Self.folder()
        let outside = try Self.folder()
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: outside)
        }
        try FileManager.default.createDirectory(atPath: folder + "/real", withIntermediateDirectories: true)
        #expect(symlink(outside, folder + "/escape") == 0)
        #expect(symlink("real", folder + "/inside") == 0)
        #expect(symlink(outside + "/f.yaml", folder + "/real/file.yaml") == 0)
        #expect {
            try ContainedPath.resolve("escape/x.yaml", under: folder)
        } throws: { error in
            "\(error)".contains("is a symbolic link to") && "\(error)".contains("outside")
        }
        #expect(throws: AtomicFile.WriteError.self) { try ContainedPath.resolve("real/file.yaml", under: folder) }
        #expect(try ContainedPath.resolve("inside/x.yaml", under: folder) == folder + "/inside/x.yaml")
        #expect(try ContainedPath.resolve("new/dir/x.yaml", under: folder + "/") == folder + "/new/dir/x.yaml")
    }

    @Test("a transaction's folders for a path with `..` are made without an endless walk")
    func dotDotFolders() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let transaction = FileTransaction()
        transaction.write(Data("x\n".utf8), to: folder + "/a/../b/c.txt")
        try transaction.stage()
        try transaction.commit()
        transaction.finish()
        #expect(try String(contentsOfFile: folder + "/b/c.txt", encoding: .utf8) == "x\n")
    }
}

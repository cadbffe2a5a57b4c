import Synchronization

/// Values that came from Secrets (Flux `substituteFrom` Secrets, in git or read with
/// `--vars-from-cluster`). They decide the desired state, but no output may show them: every
/// report, log line, metrics file and notification this process writes passes through `apply`,
/// which replaces each occurrence (as a whole token) with `<secret>`, as CI systems mask secrets
/// in job logs. One mask per run (a task-local value, so that runs in one process, as in the
/// tests, do not mask each other's output).
public final class SecretMask: Sendable {
    @TaskLocal public static var current: SecretMask?

    private let values = Mutex<[String]>([])

    public init() {}

    /// Runs `body` with a new mask, unless one is already in place (a job inside another job).
    public static func run<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        if current != nil { return try await body() }
        let result: Result<T, E> = await $current.withValue(SecretMask()) {
            do throws(E) {
                return .success(try await body())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// As `run`, for a job that does not suspend.
    public static func runSync<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        if current != nil { return try body() }
        let result: Result<T, E> = $current.withValue(SecretMask()) {
            do throws(E) {
                return .success(try body())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Adds values to mask for the rest of the run. Values shorter than three characters are not
    /// masked: they would hide ordinary text, and say little about the secret.
    public static func register(_ secrets: some Sequence<String>) {
        current?.add(secrets)
    }

    private func add(_ secrets: some Sequence<String>) {
        let usable = secrets.filter { $0.utf8.count >= 3 }
        guard !usable.isEmpty else { return }
        values.withLock { known in
            for secret in usable where !known.contains(secret) { known.append(secret) }
            // Longer first, so that a value containing another is masked whole.
            known.sort { $0.utf8.count > $1.utf8.count }
        }
    }

    /// `text` with every registered value replaced by `<secret>`.
    public static func apply(_ text: String) -> String {
        guard let secrets = current?.values.withLock({ $0 }) else { return text }
        guard !secrets.isEmpty else { return text }
        var result = text
        for secret in secrets where result.contains(secret) {
            result = mask(secret, in: result)
        }
        return result
    }

    /// Replaces `secret` where it stands as a token: `192.0.2.1` in `192.0.2.10` or `10.192.0.2.1`
    /// is another address, but `192.0.2.1:8080` and `192.0.2.1.` (end of a sentence) hold it.
    static func mask(_ secret: String, in text: String) -> String {
        let bytes = Array(text.utf8)
        let needle = Array(secret.utf8)
        guard let first = needle.first else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let end = index + needle.count
            if bytes[index] == first, end <= bytes.count, bytes[index..<end].elementsEqual(needle),
                !continues(bytes, before: index), !continues(bytes, after: end)
            {
                output += Array("<secret>".utf8)
                index = end
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether the token goes on before `index`: a letter, digit or `_`, or `.`/`-` after one.
    private static func continues(_ bytes: [UInt8], before index: Int) -> Bool {
        guard index > 0 else { return false }
        let previous = bytes[index - 1]
        if isWordByte(previous) { return true }
        return (previous == 0x2E || previous == 0x2D) && index > 1 && isWordByte(bytes[index - 2])
    }

    /// Whether the token goes on at `end`: a letter, digit or `_`, or `.`/`-` before one. A `:` ends
    /// it (`address:port`).
    private static func continues(_ bytes: [UInt8], after end: Int) -> Bool {
        guard end < bytes.count else { return false }
        let next = bytes[end]
        if isWordByte(next) { return true }
        return (next == 0x2E || next == 0x2D) && end + 1 < bytes.count && isWordByte(bytes[end + 1])
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x5F
    }
}

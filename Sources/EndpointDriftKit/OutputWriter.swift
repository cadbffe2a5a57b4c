import FileIO

/// Sends rendered reports to stdout or, atomically, to files.
public enum OutputWriter {
    /// Writes each rendered output; stdout ones in order. Throws on the first file that cannot be written.
    public static func emit(_ outputs: [(target: OutputTarget, text: String)]) throws(RunError) {
        for (target, text) in outputs {
            if let file = target.file {
                do {
                    try AtomicFile.write(text, to: file)
                } catch {
                    throw RunError(operation: "write", subject: file, message: error.message)
                }
            } else {
                StandardStreams.writeOut(text)
            }
        }
    }
}

import Manifests

/// Copies of the inputs under renamed namespaces (`team-001` → `team-001-r2`), so that compare and
/// report can be measured at sizes the generator does not write.
enum Replica {
    static func records(_ records: [ObjectRecord], copies: Int) -> [ObjectRecord] {
        var result = records
        result.reserveCapacity(records.count * copies)
        for copy in 1..<copies {
            for record in records {
                var renamed = record
                renamed.ref.namespace += "-r\(copy)"
                if let namespace = renamed.object.metadata.namespace {
                    renamed.object.metadata.namespace = namespace + "-r\(copy)"
                }
                if let path = renamed.source?.path { renamed.source?.path = "r\(copy)/" + path }
                result.append(renamed)
            }
        }
        return result
    }

    static func errors(_ errors: [ManifestError], copies: Int) -> [ManifestError] {
        var result = errors
        for copy in 1..<copies {
            result += errors.map { error in
                var renamed = error
                renamed.path = "r\(copy)/" + error.path
                return renamed
            }
        }
        return result
    }

    static func notes(_ notes: [ScanNote], copies: Int) -> [ScanNote] {
        var result = notes
        for copy in 1..<copies {
            result += notes.map { note in
                var renamed = note
                renamed.path = "r\(copy)/" + note.path
                return renamed
            }
        }
        return result
    }
}

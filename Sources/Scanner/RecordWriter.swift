import BinaryCoding
import Manifests

/// Writes what the scanner stores (records, and the objects a file holds) in the `BinaryEncoder`
/// format by hand, as `RecordReader` reads it: a cold scan stores every record and every file's
/// objects, and the generic encoder spent most of that time building its tree of boxes. The bytes
/// are those `BinaryEncoder` writes from the synthesized `Encodable` conformances (a test checks
/// it on every field of every type, set and left out), so either reader reads them.
enum RecordWriter {
    static func records<Records: Collection<ObjectRecord>>(_ records: Records) -> [UInt8]? {
        var writer = BinaryWriter(capacity: records.count * 512)
        writer.items(records)
        return writer.fitsFormat ? writer.bytes : nil
    }

    /// A file's reader output; the parts it rarely holds (errors, notes, documents) through
    /// `BinaryEncoder`.
    static func output(_ output: ManifestFileReader.Output) -> [UInt8]? {
        guard let errors = try? BinaryEncoder().encode(output.errors),
            let notes = try? BinaryEncoder().encode(output.notes),
            let documents = try? BinaryEncoder().encode(output.documents),
            let gitOpsDocuments = try? BinaryEncoder().encode(output.gitOpsDocuments)
        else { return nil }
        var writer = BinaryWriter(capacity: output.objects.count * 512 + 256)
        writer.keyed(count: 9) { writer in
            writer.field("objects", output.objects)
            writer.key("errors")
            writer.encoded(errors)
            writer.key("notes")
            writer.encoded(notes)
            writer.key("documents")
            writer.encoded(documents)
            writer.key("gitOpsDocuments")
            writer.encoded(gitOpsDocuments)
            writer.field("mayHoldVariables", output.mayHoldVariables)
            writer.field("hasPlaceholders", output.hasPlaceholders)
            writer.field("parsedDocuments", output.parsedDocuments)
            writer.field("skippedDocuments", output.skippedDocuments)
        }
        return writer.fitsFormat ? writer.bytes : nil
    }
}

// Each type's keys in declaration order, optional ones only when set: as synthesized `Encodable`.

/// A model type `RecordWriter` writes.
private protocol Written {
    func write(to writer: inout BinaryWriter)
}

extension BinaryWriter {
    fileprivate mutating func field(_ key: String, _ value: String) {
        self.key(key)
        string(value)
    }

    fileprivate mutating func field(_ key: String, _ value: Int) {
        self.key(key)
        int(value)
    }

    fileprivate mutating func field(_ key: String, _ value: Bool) {
        self.key(key)
        bool(value)
    }

    fileprivate mutating func field(_ key: String, _ value: [String]) {
        self.key(key)
        strings(value)
    }

    fileprivate mutating func field(_ key: String, _ value: [String: String]) {
        self.key(key)
        stringMap(value)
    }

    fileprivate mutating func field(_ key: String, _ value: some Written) {
        self.key(key)
        value.write(to: &self)
    }

    fileprivate mutating func field(_ key: String, _ values: [some Written]) {
        self.key(key)
        items(values)
    }

    fileprivate mutating func items(_ values: some Collection<some Written>) {
        array(count: values.count) { writer in
            for value in values { value.write(to: &writer) }
        }
    }

    // An optional key: written only when set.

    fileprivate mutating func field(_ key: String, _ value: String?) {
        if let value { field(key, value) }
    }

    fileprivate mutating func field(_ key: String, _ value: Int?) {
        if let value { field(key, value) }
    }

    fileprivate mutating func field(_ key: String, _ value: Bool?) {
        if let value { field(key, value) }
    }

    fileprivate mutating func field(_ key: String, _ value: (some Written)?) {
        if let value { field(key, value) }
    }

    fileprivate mutating func field(_ key: String, _ values: [some Written]?) {
        if let values { field(key, values) }
    }

    /// An enum case: one key, the case name, holding its associated values by label (`_0` when
    /// unlabelled).
    fileprivate mutating func enumCase(_ name: String, count: Int, _ values: (inout BinaryWriter) -> Void) {
        keyed(count: 1) { writer in
            writer.key(name)
            writer.keyed(count: count, values)
        }
    }
}

/// 1 when `value` is set: an optional key is written only then.
private func ifSet<Value>(_ value: Value?) -> Int { value == nil ? 0 : 1 }

extension ObjectRecord: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 3 + ifSet(source) + ifSet(namespaceRule) + ifSet(build)) { writer in
            writer.field("object", object)
            writer.field("ref", ref)
            writer.field("source", source)
            writer.field("namespaceRule", namespaceRule)
            writer.field("build", build)
            writer.field("values", values)
        }
    }
}

extension ManifestFileReader.FileObject: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 4 + ifSet(itemIndex)) { writer in
            writer.field("object", object)
            writer.field("line", line)
            writer.field("column", column)
            writer.field("documentIndex", documentIndex)
            writer.field("itemIndex", itemIndex)
        }
    }
}

extension ObjectRef: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 3) { writer in
            writer.field("kind", kind.rawValue)
            writer.field("namespace", namespace)
            writer.field("name", name)
        }
    }
}

extension SourceLocation: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 6 + ifSet(itemIndex)) { writer in
            writer.field("path", path)
            writer.field("line", line)
            writer.field("column", column)
            writer.field("documentIndex", documentIndex)
            writer.field("itemIndex", itemIndex)
            writer.field("blobID", blobID)
            writer.field("commitID", commitID)
        }
    }
}

extension NamespaceRule: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        let (name, values): (String, [(String, String)]) =
            switch self {
            case .metadata: ("metadata", [])
            case .kustomization(let path): ("kustomization", [("path", path)])
            case .fluxTargetNamespace(let kustomization, let path):
                ("fluxTargetNamespace", [("kustomization", kustomization), ("path", path)])
            case .argoDestination(let application, let path):
                ("argoDestination", [("application", application), ("path", path)])
            case .defaultNamespace: ("defaultNamespace", [])
            }
        writer.enumCase(name, count: values.count) { writer in
            for (label, value) in values { writer.field(label, value) }
        }
    }
}

extension ValueOrigin: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 5 + ifSet(value)) { writer in
            writer.field("field", field)
            writer.field("path", path)
            writer.field("line", line)
            writer.field("written", written)
            writer.field("value", value)
            writer.field("variables", variables)
        }
    }
}

extension VariableOrigin: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 2 + ifSet(source) + ifSet(location) + ifSet(hint)) { writer in
            writer.field("name", name)
            writer.field("source", source)
            writer.field("location", location)
            writer.field("isSecret", isSecret)
            writer.field("hint", hint)
        }
    }
}

extension KubeObject: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        switch self {
        case .service(let service): writer.enumCase("service", count: 1) { $0.field("_0", service) }
        case .endpoints(let endpoints): writer.enumCase("endpoints", count: 1) { $0.field("_0", endpoints) }
        case .endpointSlice(let slice): writer.enumCase("endpointSlice", count: 1) { $0.field("_0", slice) }
        }
    }
}

extension ObjectMeta: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 3 + ifSet(namespace) + ifSet(resourceVersion) + ifSet(uid) + ifSet(creationTimestamp)) {
            writer in
            writer.field("name", name)
            writer.field("namespace", namespace)
            writer.field("labels", labels)
            writer.field("annotations", annotations)
            writer.field("resourceVersion", resourceVersion)
            writer.field("uid", uid)
            writer.field("creationTimestamp", creationTimestamp)
        }
    }
}

extension Service: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 5 + ifSet(externalName)) { writer in
            writer.field("metadata", metadata)
            writer.field("type", type)
            writer.field("externalName", externalName)
            writer.field("selector", selector)
            writer.field("ports", ports)
            writer.field("clusterIPs", clusterIPs)
        }
    }
}

extension ServicePort: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 3 + ifSet(targetPort) + ifSet(appProtocol)) { writer in
            writer.field("name", name)
            writer.field("port", port)
            writer.field("protocol", `protocol`)
            writer.field("targetPort", targetPort)
            writer.field("appProtocol", appProtocol)
        }
    }
}

extension Endpoints: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 2) { writer in
            writer.field("metadata", metadata)
            writer.field("subsets", subsets)
        }
    }
}

extension EndpointSubset: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 3) { writer in
            writer.field("addresses", addresses)
            writer.field("notReadyAddresses", notReadyAddresses)
            writer.field("ports", ports)
        }
    }
}

extension EndpointAddress: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 1 + ifSet(hostname) + ifSet(nodeName) + ifSet(line)) { writer in
            writer.field("ip", ip)
            writer.field("hostname", hostname)
            writer.field("nodeName", nodeName)
            writer.field("line", line)
        }
    }
}

extension EndpointPort: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 1 + ifSet(port) + ifSet(`protocol`) + ifSet(appProtocol) + ifSet(line)) { writer in
            writer.field("name", name)
            writer.field("port", port)
            writer.field("protocol", `protocol`)
            writer.field("appProtocol", appProtocol)
            writer.field("line", line)
        }
    }
}

extension EndpointSlice: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 3 + ifSet(ports)) { writer in
            writer.field("metadata", metadata)
            writer.field("addressType", addressType)
            writer.field("endpoints", endpoints)
            writer.field("ports", ports)
        }
    }
}

extension SliceEndpoint: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: 2 + ifSet(hostname) + ifSet(nodeName) + ifSet(zone) + ifSet(line)) { writer in
            writer.field("addresses", addresses)
            writer.field("conditions", conditions)
            writer.field("hostname", hostname)
            writer.field("nodeName", nodeName)
            writer.field("zone", zone)
            writer.field("line", line)
        }
    }
}

extension EndpointConditions: Written {
    fileprivate func write(to writer: inout BinaryWriter) {
        writer.keyed(count: ifSet(ready) + ifSet(serving) + ifSet(terminating)) { writer in
            writer.field("ready", ready)
            writer.field("serving", serving)
            writer.field("terminating", terminating)
        }
    }
}

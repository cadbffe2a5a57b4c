import BinaryCoding
import Manifests

/// Reads `[ObjectRecord]` as `BinaryEncoder` wrote it from the synthesized `Encodable`
/// conformances, by hand: a warm scan is almost all record decoding, and `Decodable`'s generic
/// keyed containers cost several times the reading itself. Any key it does not know, a missing
/// required key or a value of another type throws, and the caller decodes the chunk with
/// `BinaryDecoder` instead: a model type that gains a property is still read right (a test checks
/// that this reader knows every stored property of every type it reads).
enum RecordReader {
    static func records(_ bytes: [UInt8]) throws(BinaryCodingError) -> [ObjectRecord] {
        try BinaryReader.read(bytes) { reader throws(BinaryCodingError) in
            var records: [ObjectRecord] = []
            try reader.array { reader throws(BinaryCodingError) in records.append(try record(&reader)) }
            return records
        }
    }

    /// The stored properties each type is read with, by type name (for the test).
    static let keys: [String: Set<String>] = [
        "ObjectRecord": ["object", "ref", "source", "namespaceRule", "build", "values"],
        "ObjectRef": ["kind", "namespace", "name"],
        "SourceLocation": ["path", "line", "column", "documentIndex", "itemIndex", "blobID", "commitID"],
        "ValueOrigin": ["field", "path", "line", "written", "value", "variables"],
        "VariableOrigin": ["name", "source", "location", "isSecret", "hint"],
        "ObjectMeta": ["name", "namespace", "labels", "annotations", "resourceVersion", "uid", "creationTimestamp"],
        "Service": ["metadata", "type", "externalName", "selector", "ports", "clusterIPs"],
        "ServicePort": ["name", "port", "protocol", "targetPort", "appProtocol"],
        "Endpoints": ["metadata", "subsets"],
        "EndpointSubset": ["addresses", "notReadyAddresses", "ports"],
        "EndpointAddress": ["ip", "hostname", "nodeName", "line"],
        "EndpointPort": ["name", "port", "protocol", "appProtocol", "line"],
        "EndpointSlice": ["metadata", "addressType", "endpoints", "ports"],
        "SliceEndpoint": ["addresses", "conditions", "hostname", "nodeName", "zone", "line"],
        "EndpointConditions": ["ready", "serving", "terminating"],
    ]

    // MARK: Records

    private static func record(_ reader: inout BinaryReader) throws(BinaryCodingError) -> ObjectRecord {
        var object: KubeObject?
        var ref: ObjectRef?
        var record = ObjectRecord(
            object: .service(Service(metadata: ObjectMeta(name: ""))),
            ref: ObjectRef(kind: .service, namespace: "", name: ""))
        var sawValues = false
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "object": object = try kubeObject(&reader)
            case "ref": ref = try objectRef(&reader)
            case "source": record.source = try sourceLocation(&reader)
            case "namespaceRule": record.namespaceRule = try namespaceRule(&reader)
            case "build": record.build = try reader.string()
            case "values":
                sawValues = true
                try reader.array { reader throws(BinaryCodingError) in record.values.append(try valueOrigin(&reader)) }
            default: throw unknown(key, in: "ObjectRecord", reader)
            }
        }
        guard let object, let ref, sawValues else { throw reader.fail("an ObjectRecord lacks a required key") }
        record.object = object
        record.ref = ref
        return record
    }

    private static func objectRef(_ reader: inout BinaryReader) throws(BinaryCodingError) -> ObjectRef {
        var kind: ObjectKind?
        var namespace: String?
        var name: String?
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "kind":
                let text = try reader.string()
                guard let value = ObjectKind(rawValue: text) else { throw reader.fail("unknown kind \(text)") }
                kind = value
            case "namespace": namespace = try reader.string()
            case "name": name = try reader.string()
            default: throw unknown(key, in: "ObjectRef", reader)
            }
        }
        guard let kind, let namespace, let name else { throw reader.fail("an ObjectRef lacks a required key") }
        return ObjectRef(kind: kind, namespace: namespace, name: name)
    }

    private static func sourceLocation(_ reader: inout BinaryReader) throws(BinaryCodingError) -> SourceLocation {
        var location = SourceLocation(path: "", line: 0)
        var required = 0
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "path": location.path = try reader.string()
            case "line": location.line = try reader.int()
            case "column": location.column = try reader.int()
            case "documentIndex": location.documentIndex = try reader.int()
            case "itemIndex":
                location.itemIndex = try reader.int()
                return
            case "blobID": location.blobID = try reader.string()
            case "commitID": location.commitID = try reader.string()
            default: throw unknown(key, in: "SourceLocation", reader)
            }
            required += 1
        }
        guard required == 6 else { throw reader.fail("a SourceLocation lacks a required key") }
        return location
    }

    /// An enum case: one key, the case name, holding its associated values by label.
    private static func namespaceRule(_ reader: inout BinaryReader) throws(BinaryCodingError) -> NamespaceRule {
        var rule: NamespaceRule?
        try reader.keyed { reader, name throws(BinaryCodingError) in
            var values: [String: String] = [:]
            try reader.keyed { reader, label throws(BinaryCodingError) in values[label] = try reader.string() }
            func value(_ label: String) throws(BinaryCodingError) -> String {
                guard let text = values[label] else { throw reader.fail("NamespaceRule.\(name) lacks \(label)") }
                return text
            }
            switch (name, values.count) {
            case ("metadata", 0): rule = .metadata
            case ("defaultNamespace", 0): rule = .defaultNamespace
            case ("kustomization", 1): rule = .kustomization(path: try value("path"))
            case ("fluxTargetNamespace", 2):
                rule = .fluxTargetNamespace(kustomization: try value("kustomization"), path: try value("path"))
            case ("argoDestination", 2):
                rule = .argoDestination(application: try value("application"), path: try value("path"))
            default: throw unknown(name, in: "NamespaceRule", reader)
            }
        }
        guard let rule else { throw reader.fail("a NamespaceRule has no case") }
        return rule
    }

    private static func valueOrigin(_ reader: inout BinaryReader) throws(BinaryCodingError) -> ValueOrigin {
        var origin = ValueOrigin(field: "", path: "", line: 0, written: "", value: nil, variables: [])
        var required = 0
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "field": origin.field = try reader.string()
            case "path": origin.path = try reader.string()
            case "line": origin.line = try reader.int()
            case "written": origin.written = try reader.string()
            case "value":
                origin.value = try reader.string()
                return
            case "variables":
                try reader.array { reader throws(BinaryCodingError) in
                    origin.variables.append(try variableOrigin(&reader))
                }
            default: throw unknown(key, in: "ValueOrigin", reader)
            }
            required += 1
        }
        guard required == 5 else { throw reader.fail("a ValueOrigin lacks a required key") }
        return origin
    }

    private static func variableOrigin(_ reader: inout BinaryReader) throws(BinaryCodingError) -> VariableOrigin {
        var origin = VariableOrigin(name: "", source: nil)
        var required = 0
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "name":
                origin.name = try reader.string()
                required += 1
            case "source": origin.source = try reader.string()
            case "location": origin.location = try reader.string()
            case "isSecret":
                origin.isSecret = try reader.bool()
                required += 1
            case "hint": origin.hint = try reader.string()
            default: throw unknown(key, in: "VariableOrigin", reader)
            }
        }
        guard required == 2 else { throw reader.fail("a VariableOrigin lacks a required key") }
        return origin
    }

    // MARK: Objects

    private static func kubeObject(_ reader: inout BinaryReader) throws(BinaryCodingError) -> KubeObject {
        var object: KubeObject?
        try reader.keyed { reader, name throws(BinaryCodingError) in
            try reader.keyed { reader, label throws(BinaryCodingError) in
                guard label == "_0" else { throw unknown(label, in: "KubeObject.\(name)", reader) }
                switch name {
                case "service": object = .service(try service(&reader))
                case "endpoints": object = .endpoints(try endpoints(&reader))
                case "endpointSlice": object = .endpointSlice(try endpointSlice(&reader))
                default: throw unknown(name, in: "KubeObject", reader)
                }
            }
        }
        guard let object else { throw reader.fail("a KubeObject has no case") }
        return object
    }

    private static func metadata(_ reader: inout BinaryReader) throws(BinaryCodingError) -> ObjectMeta {
        var meta = ObjectMeta(name: "")
        var required = 0
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "name":
                meta.name = try reader.string()
                required += 1
            case "namespace": meta.namespace = try reader.string()
            case "labels":
                meta.labels = try reader.stringMap()
                required += 1
            case "annotations":
                meta.annotations = try reader.stringMap()
                required += 1
            case "resourceVersion": meta.resourceVersion = try reader.string()
            case "uid": meta.uid = try reader.string()
            case "creationTimestamp": meta.creationTimestamp = try reader.string()
            default: throw unknown(key, in: "ObjectMeta", reader)
            }
        }
        guard required == 3 else { throw reader.fail("an ObjectMeta lacks a required key") }
        return meta
    }

    private static func service(_ reader: inout BinaryReader) throws(BinaryCodingError) -> Service {
        var service = Service(metadata: ObjectMeta(name: ""))
        var required = 0
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "metadata": service.metadata = try metadata(&reader)
            case "type": service.type = try reader.string()
            case "externalName":
                service.externalName = try reader.string()
                return
            case "selector": service.selector = try reader.stringMap()
            case "ports":
                try reader.array { reader throws(BinaryCodingError) in service.ports.append(try servicePort(&reader)) }
            case "clusterIPs": service.clusterIPs = try reader.strings()
            default: throw unknown(key, in: "Service", reader)
            }
            required += 1
        }
        guard required == 5 else { throw reader.fail("a Service lacks a required key") }
        return service
    }

    private static func servicePort(_ reader: inout BinaryReader) throws(BinaryCodingError) -> ServicePort {
        var port = ServicePort(port: 0)
        var required = 0
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "name": port.name = try reader.string()
            case "port": port.port = try reader.int()
            case "protocol": port.protocol = try reader.string()
            case "targetPort":
                port.targetPort = try reader.string()
                return
            case "appProtocol":
                port.appProtocol = try reader.string()
                return
            default: throw unknown(key, in: "ServicePort", reader)
            }
            required += 1
        }
        guard required == 3 else { throw reader.fail("a ServicePort lacks a required key") }
        return port
    }

    private static func endpoints(_ reader: inout BinaryReader) throws(BinaryCodingError) -> Endpoints {
        var endpoints = Endpoints(metadata: ObjectMeta(name: ""))
        var required = 0
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "metadata": endpoints.metadata = try metadata(&reader)
            case "subsets":
                try reader.array { reader throws(BinaryCodingError) in endpoints.subsets.append(try subset(&reader)) }
            default: throw unknown(key, in: "Endpoints", reader)
            }
            required += 1
        }
        guard required == 2 else { throw reader.fail("an Endpoints lacks a required key") }
        return endpoints
    }

    private static func subset(_ reader: inout BinaryReader) throws(BinaryCodingError) -> EndpointSubset {
        var subset = EndpointSubset()
        var required = 0
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "addresses":
                try reader.array { reader throws(BinaryCodingError) in subset.addresses.append(try address(&reader)) }
            case "notReadyAddresses":
                try reader.array { reader throws(BinaryCodingError) in
                    subset.notReadyAddresses.append(try address(&reader))
                }
            case "ports":
                try reader.array { reader throws(BinaryCodingError) in subset.ports.append(try endpointPort(&reader)) }
            default: throw unknown(key, in: "EndpointSubset", reader)
            }
            required += 1
        }
        guard required == 3 else { throw reader.fail("an EndpointSubset lacks a required key") }
        return subset
    }

    private static func address(_ reader: inout BinaryReader) throws(BinaryCodingError) -> EndpointAddress {
        var address = EndpointAddress(ip: "")
        var sawIP = false
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "ip":
                address.ip = try reader.string()
                sawIP = true
            case "hostname": address.hostname = try reader.string()
            case "nodeName": address.nodeName = try reader.string()
            case "line": address.line = try reader.int()
            default: throw unknown(key, in: "EndpointAddress", reader)
            }
        }
        guard sawIP else { throw reader.fail("an EndpointAddress lacks its ip") }
        return address
    }

    private static func endpointPort(_ reader: inout BinaryReader) throws(BinaryCodingError) -> EndpointPort {
        var port = EndpointPort(port: nil)
        var sawName = false
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "name":
                port.name = try reader.string()
                sawName = true
            case "port": port.port = try reader.int()
            case "protocol": port.protocol = try reader.string()
            case "appProtocol": port.appProtocol = try reader.string()
            case "line": port.line = try reader.int()
            default: throw unknown(key, in: "EndpointPort", reader)
            }
        }
        guard sawName else { throw reader.fail("an EndpointPort lacks its name") }
        return port
    }

    private static func endpointSlice(_ reader: inout BinaryReader) throws(BinaryCodingError) -> EndpointSlice {
        var slice = EndpointSlice(metadata: ObjectMeta(name: ""), addressType: "")
        var required = 0
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "metadata": slice.metadata = try metadata(&reader)
            case "addressType": slice.addressType = try reader.string()
            case "endpoints":
                try reader.array { reader throws(BinaryCodingError) in
                    slice.endpoints.append(try sliceEndpoint(&reader))
                }
            case "ports":
                var ports: [EndpointPort] = []
                try reader.array { reader throws(BinaryCodingError) in ports.append(try endpointPort(&reader)) }
                slice.ports = ports
                return
            default: throw unknown(key, in: "EndpointSlice", reader)
            }
            required += 1
        }
        guard required == 3 else { throw reader.fail("an EndpointSlice lacks a required key") }
        return slice
    }

    private static func sliceEndpoint(_ reader: inout BinaryReader) throws(BinaryCodingError) -> SliceEndpoint {
        var endpoint = SliceEndpoint(addresses: [])
        var required = 0
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "addresses":
                endpoint.addresses = try reader.strings()
                required += 1
            case "conditions":
                endpoint.conditions = try conditions(&reader)
                required += 1
            case "hostname": endpoint.hostname = try reader.string()
            case "nodeName": endpoint.nodeName = try reader.string()
            case "zone": endpoint.zone = try reader.string()
            case "line": endpoint.line = try reader.int()
            default: throw unknown(key, in: "SliceEndpoint", reader)
            }
        }
        guard required == 2 else { throw reader.fail("a SliceEndpoint lacks a required key") }
        return endpoint
    }

    private static func conditions(_ reader: inout BinaryReader) throws(BinaryCodingError) -> EndpointConditions {
        var conditions = EndpointConditions()
        try reader.keyed { reader, key throws(BinaryCodingError) in
            switch key {
            case "ready": conditions.ready = try reader.bool()
            case "serving": conditions.serving = try reader.bool()
            case "terminating": conditions.terminating = try reader.bool()
            default: throw unknown(key, in: "EndpointConditions", reader)
            }
        }
        return conditions
    }

    private static func unknown(_ key: String, in type: String, _ reader: BinaryReader) -> BinaryCodingError {
        reader.fail("\(type) has no key \(key.prefix(40)) that this reader knows")
    }
}

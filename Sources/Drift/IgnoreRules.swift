import Manifests

/// What to report but not count: addresses, finding types per Service (from `.endpoint-drift.yaml`),
/// and the per-object annotation `endpoint-drift.io/ignore`.
public struct IgnoreRules: Sendable, Hashable {
    /// "Ignore these finding types for these Services."
    public struct FindingRule: Sendable, Hashable {
        /// Empty: every Service.
        public var services: [NamePattern]
        /// Empty: every type.
        public var types: Set<FindingType>
        public var reason: String?
        /// Where the rule is written, for "ignored by" texts.
        public var origin: String

        public init(services: [NamePattern] = [], types: Set<FindingType> = [], reason: String? = nil, origin: String) {
            self.services = services
            self.types = types
            self.reason = reason
            self.origin = origin
        }

        func matches(_ finding: Finding) -> Bool {
            if !types.isEmpty && !types.contains(finding.type) { return false }
            if services.isEmpty { return true }
            guard let service = finding.service else { return false }
            return services.contains { $0.matches(service) }
        }
    }

    public var addresses: [AddressRange]
    public var findings: [FindingRule]
    /// The configuration file the rules come from, for "ignored by" texts.
    public var source: String

    public init(
        addresses: [AddressRange] = [], findings: [FindingRule] = [], source: String = DriftConfiguration.fileName
    ) {
        self.addresses = addresses
        self.findings = findings
        self.source = source
    }

    /// Why `finding` is ignored, or `nil`. `annotations` gives the `endpoint-drift.io/ignore` value
    /// of an object on either side.
    public func reason(for finding: Finding, annotations: AnnotationIndex) -> String? {
        if let range = ignoredRange(for: finding) {
            return "ignore.addresses \(range) in \(source)"
        }
        if let rule = findings.first(where: { $0.matches(finding) }) {
            return rule.reason.map { "\(rule.origin): \($0)" } ?? rule.origin
        }
        var refs: [ObjectRef] = []
        if let object = finding.object { refs.append(object) }
        if let service = finding.service {
            refs.append(ObjectRef(kind: .service, namespace: service.namespace, name: service.name))
        }
        for ref in refs {
            if let types = annotations.ignoredTypes(of: ref), types.isEmpty || types.contains(finding.type) {
                return "annotation \(WellKnown.ignoreAnnotation) on \(ref)"
            }
        }
        return nil
    }

    private func ignoredRange(for finding: Finding) -> AddressRange? {
        guard !addresses.isEmpty else { return nil }
        let subjects = finding.address.map { [$0] } ?? finding.addresses
        guard !subjects.isEmpty else { return nil }
        // A port change on several addresses is ignored only when every address is.
        var matched: AddressRange?
        for subject in subjects {
            guard let range = addresses.first(where: { $0.contains(subject) }) else { return nil }
            matched = matched ?? range
        }
        return matched
    }
}

/// The `endpoint-drift.io/ignore` annotation of every object on both sides: `"true"` ignores every
/// finding about the object (on a Service: about the whole Service), a comma list only those types.
public struct AnnotationIndex: Sendable {
    /// Empty set: every type.
    private var byRef: [ObjectRef: Set<FindingType>] = [:]
    /// Values that name no finding type, for a note.
    public private(set) var unknownValues: [(ref: ObjectRef, value: String)] = []

    public init<Records: Swift.Sequence<ObjectRecord>>(records: Records) {
        for record in records {
            // Already ignored for every type (by the same object on the other side): nothing to add.
            guard let value = record.object.metadata.annotations[WellKnown.ignoreAnnotation],
                byRef[record.ref]?.isEmpty != true
            else { continue }
            let text = value.trimmed
            if text.lowercased() == "true" || text == "*" {
                byRef[record.ref] = []
                continue
            }
            var types = Set<FindingType>()
            for part in text.split(separator: ",") {
                let name = part.trimmed
                if let type = FindingType(rawValue: name) {
                    types.insert(type)
                } else if !name.isEmpty && name.lowercased() != "false" {
                    unknownValues.append((record.ref, name))
                }
            }
            guard !types.isEmpty else { continue }
            byRef[record.ref, default: []].formUnion(types)
        }
    }

    /// `nil`: not annotated; empty: every type.
    public func ignoredTypes(of ref: ObjectRef) -> Set<FindingType>? { byRef[ref] }
}

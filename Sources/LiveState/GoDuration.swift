/// Durations as kubectl's `--request-timeout` takes them: a Go duration (`30s`, `1m30s`, `500ms`,
/// `1h`) or a bare number of seconds (`0` means no limit).
public enum GoDuration {
    /// Seconds, or nil when the text is not a duration.
    public static func parse(_ text: String) -> Double? {
        if let seconds = Double(text), seconds >= 0, !text.contains("e"), !text.contains("E") {
            return seconds.isFinite && seconds <= 86_400 * 365 * 100 ? seconds : nil
        }
        let units: [(String, Double)] = [
            ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
        ]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, factor) = units.first(where: { rest.hasPrefix($0.0) && !isLongerUnit(rest, $0.0) })
            else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * factor
        }
        // `99999999999999999999999h` is a number, but not a duration anyone means.
        return total.isFinite && total <= 86_400 * 365 * 100 ? total : nil
    }

    /// `m` must not match the start of `ms`.
    private static func isLongerUnit(_ rest: Substring, _ unit: String) -> Bool {
        unit == "m" && rest.hasPrefix("ms")
    }
}

/// Small helpers for file system paths given as strings.
public enum Paths {
    /// Joins path components with single slashes.
    public static func join(_ base: String, _ components: String...) -> String {
        var result = base == "." ? "" : base
        for component in components where !component.isEmpty {
            if result.isEmpty {
                result = component
            } else if result.hasSuffix("/") {
                result += component.hasPrefix("/") ? String(component.dropFirst()) : component
            } else {
                result += component.hasPrefix("/") ? component : "/" + component
            }
        }
        return result
    }
}

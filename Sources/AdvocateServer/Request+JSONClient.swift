import Hummingbird

extension Request {
    /// Whether the client speaks JSON (what it sends or what it accepts names JSON): such a
    /// client gets the API's errors as problem details rather than the theme's HTML.
    var isJSONClient: Bool {
        [headers[.contentType], headers[.accept]].contains { $0?.lowercased().contains("json") == true }
    }
}

@testable import Advocate
import Testing

/// The code a new referrer gets from their name (`referrers add`, the join form).
struct ReadableCodeTests {
    @Test(arguments: [
        ("Ada Lovelace", [], "ada"),
        ("Ada Lovelace", ["ada"], "ada-lovelace"),
        ("Ada Lovelace", ["ada", "ada-lovelace"], "ada-lovelace-2"),
        // A first name of no letters: the full name's readable part, not the fallback.
        ("👩‍👩‍👧‍👦 Family", [], "family"),
        ("🇯🇵 Ken", [], "ken"),
        ("👍", [], "referrer"),
        ("👍", ["referrer"], "referrer-2"),
    ] as [(String, Set<String>, String)])
    func aCodeIsReadFromTheName(_ name: String, _ taken: Set<String>, _ code: String) {
        #expect(Tokens.readableCode(for: name, taken: taken) == code)
    }
}

@testable import AdvocateServer
import Testing

@Suite struct RequestPathTests {
    @Test(arguments: [
        ("/", "/"), ("/r/ada/", "/r/ada/"), ("/r/ada", "/r/ada"), ("/.well-known/security.txt", "/.well-known/security.txt"),
        ("/a.b/c.", "/a.b/c."), ("/a/..", "/a/.."), ("/a/../b/", "/a/../b/"),
        ("//", "/"), ("/a//b", "/a/b"), ("/a/./b", "/a/b"), ("/a/.", "/a/"), ("/./", "/"), ("/.", "/"),
        ("/%73tats/x/", "/stats/x/"), ("/%2e/x", "/x"), ("", "/"), ("stats/x", "/stats/x"),
    ])
    func aPathIsNormalizedAsTheFileSystemWillSeeIt(path: String, expected: String) {
        #expect(RequestPath.normalized(path) == expected)
    }
}

import Foundation
@testable import Advocate

/// A complete small site on disk: a store, content and a minimal theme that prints the values
/// tests look for. Independent of the bundled example, so build tests do not change with its copy.
struct SiteFixture {
    var store = StoreFixture()
    var pageTemplates: [String: String] = [
        "layout": """
            <!doctype html><html><head><title>{{page.title}}</title>{{#page.noindex}}<meta name="robots" content="noindex">{{/page.noindex}}{{#page.private}}<meta name="referrer" content="no-referrer">{{/page.private}}<link rel="canonical" href="{{page.url}}"></head>
            <body>{{$main}}{{/main}}</body></html>
            """,
        "home": "{{<layout}}{{$main}}{{{content}}}{{#tiers}}<p>{{name}} {{bonus}}</p>{{/tiers}}{{/main}}{{/layout}}",
        "page": "{{<layout}}{{$main}}<h1>{{title}}</h1>{{#toc}}<a href=\"#{{id}}\">{{text}}</a>{{/toc}}{{{content}}}{{/main}}{{/layout}}",
        "stories": "{{<layout}}{{$main}}{{#stories}}<a href=\"{{url}}\">{{title}}</a>{{/stories}}{{/main}}{{/layout}}",
        "story": "{{<layout}}{{$main}}<h1>{{story.title}}</h1>{{{story.content}}}{{/main}}{{/layout}}",
        "messaging": "{{<layout}}{{$main}}{{#messages}}<section><h2>{{title}} {{variant}}</h2><p>{{subject}}</p>{{{html}}}<pre>{{text}}</pre><p>{{length.summary}}</p></section>{{/messages}}{{/main}}{{/layout}}",
        "referrer": """
            {{<layout}}{{$main}}<h1>{{referrer.name}}</h1><p>{{link}}</p>{{#shares}}<a href="{{url}}">{{label}}</a>{{/shares}}
            <form method="post" action="{{form.action}}"><input type="hidden" name="referrer" value="{{form.referrer}}">{{#form.variant}}<input type="hidden" name="variant" value="{{form.variant}}">{{/form.variant}}
            <input name="name" value="{{form.values.name}}">{{#form.errors.name}}<span class="error">{{form.errors.name}}</span>{{/form.errors.name}}
            <input name="email" value="{{form.values.email}}">{{#form.errors.email}}<span class="error">{{form.errors.email}}</span>{{/form.errors.email}}</form>{{/main}}{{/layout}}
            """,
        "stats": "{{<layout}}{{$main}}<h1>{{referrer.name}}</h1><p>as of {{asOf}}</p><p>{{figures.referrals}} referrals, {{figures.converted}} converted, {{figures.earned}} earned, {{figures.pending}} pending{{#figures.tier}}, tier {{figures.tier}}{{/figures.tier}}</p>{{#recent}}<li>{{friend}} {{statusLabel}}</li>{{/recent}}{{/main}}{{/layout}}",
        "analytics": "{{<layout}}{{$main}}<p>as of {{asOf}}</p><p>{{program.referrals}} referrals</p>{{#top}}<li>{{name}} {{converted}}</li>{{/top}}{{/main}}{{/layout}}",
        "thanks": "{{<layout}}{{$main}}<p>Thanks</p>{{/main}}{{/layout}}",
        "404": "{{<layout}}{{$main}}<p>Not found</p>{{/main}}{{/layout}}",
    ]
    var content: [String: String] = [
        "index.md": "---\ntitle: Acme Rewards\n---\nRefer a friend.\n",
        "terms.md": "---\ntitle: Terms\nversion: \"2.1\"\neffective: 2026-01-01\n---\n## Eligibility\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Rewards\n",
        "faq.md": "---\ntitle: FAQ\n---\n## How?\n\nLike this.\n",
        "stories/first-story.md": "---\ntitle: A first story\ndate: 2026-02-01\nsummary: It worked.\n---\nIt *really* worked.\n",
        "messaging/sms.md": "---\ntitle: SMS\nchannel: sms\nvariants:\n  b:\n    body: \"B: {{reward.friend}} {{link}}\"\n---\nHi, {{referrer.firstName}} here: {{reward.friend}} at {{link}}\n",
        "messaging/email.md": "---\ntitle: Email\nchannel: email\nsubject: \"{{referrer.name}} invites you\"\n---\nHello! **{{referrer.name}}** thinks you will like {{program.name}}: {{link}}\n",
        "assets/logo.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    ]

    /// Writes the site into a fresh temporary folder.
    func write() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try write(to: directory)
        return directory
    }

    func write(to directory: TemporaryDirectory) throws {
        try store.write(to: directory)
        for (name, text) in pageTemplates {
            try directory.write("templates/\(name).mustache", text)
        }
        try directory.write("templates/assets/site.css", "body{font-family:system-ui}\n")
        for (name, text) in content {
            try directory.write("content/\(name)", text)
        }
    }

    static func options(_ directory: TemporaryDirectory, asOf: String? = nil) -> BuildOptions {
        BuildOptions(source: directory.path, asOf: asOf.flatMap(CalendarDay.init))
    }
}

extension TemporaryDirectory {
    /// Every file below `relative`, with its bytes, for byte-for-byte comparisons.
    func snapshot(_ relative: String = "public") throws -> [String: Data] {
        var files: [String: Data] = [:]
        let root = file(relative)
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [:] }
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: root + "/" + path)
            }
        }
        return files
    }

    func modificationDate(_ relative: String) throws -> Date {
        try FileManager.default.attributesOfItem(atPath: file(relative))[.modificationDate] as! Date
    }
}

import Testing
@testable import Advocate

/// The join pages (optional in a theme) and the current offer on pages.
@Suite struct JoinAndOfferPageTests {
    func site() -> SiteFixture {
        var site = SiteFixture()
        site.store.offers = #"[{"name": "Double <credit> week", "from": "2026-03-01", "until": "2026-03-07", "referrerAmount": 50, "friend": "30% off"}]"#
        site.store.refer("ada", friend: "Grace Hopper", at: "2026-03-02T09:30:00Z")
        site.pageTemplates["home"] = "{{<layout}}{{$main}}{{#site.offer}}<p class=\"offer\">{{site.offer.name}} until {{site.offer.until}}: {{site.offer.referrerAmount}}, friends {{site.offer.friendReward}}</p>{{/site.offer}}{{#site.join}}<a href=\"{{site.join.url}}\">Join</a>{{/site.join}}{{/main}}{{/layout}}"
        return site
    }

    @Test func theOfferCurrentAtTheAsOfIsShownEscapedAndGoneAfterItsLastDay() throws {
        let directory = try site().write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        #expect(try directory.read("public/index.html").contains(#"<p class="offer">Double &lt;credit&gt; week until 2026-03-07: $50, friends 30% off</p>"#))
        _ = try SiteBuilder.build(SiteFixture.options(directory, asOf: "2026-03-07"))
        #expect(try directory.read("public/index.html").contains("Double &lt;credit&gt; week"))
        _ = try SiteBuilder.build(SiteFixture.options(directory, asOf: "2026-03-08"))
        #expect(!(try directory.read("public/index.html").contains("class=\"offer\"")))
    }

    /// While an offer with `friend` wording runs, pages word the friend's reward its way
    /// (`site.friendReward`, the referrer page's description); the page said "20% off" eight
    /// times beside a banner saying "30% off". Before and after the offer, the base wording.
    @Test func pagesWordTheFriendsRewardAsTheRunningOfferDoes() throws {
        var site = site()
        site.pageTemplates["referrer"] = "{{<layout}}{{$main}}<p class=\"lead\">Get {{site.friendReward}}</p><meta content=\"{{page.description}}\">{{/main}}{{/layout}}"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let during = try directory.read("public/r/ada/index.html")
        #expect(during.contains(#"<p class="lead">Get 30% off</p>"#), "\(during)")
        #expect(during.contains("Get 30% off with Ada"), "\(during)")
        _ = try SiteBuilder.build(SiteFixture.options(directory, asOf: "2026-03-08"))
        let after = try directory.read("public/r/ada/index.html")
        #expect(after.contains(#"<p class="lead">Get 20% off the first order</p>"#), "\(after)")
    }

    /// Messages say what the page beside them says: `{{reward.friend}}` is the offer's wording
    /// in share copy while the offer runs at the as-of, and in an email while it ran at the
    /// referral. The page promised "30% off" and the friend's confirmation said "20% off".
    @Test func messagesWordTheFriendsRewardAsTheOfferRunningThenDoes() throws {
        var site = site()
        site.content["messaging/notify-friend.md"] = "---\ntitle: Friend\nchannel: email\nsend: referral-to-friend\nsubject: \"Your {{reward.friend}}\"\n---\nEnjoy {{reward.friend}}: {{link}}\n"
        let directory = try site.write()
        _ = try SiteBuilder.build(SiteFixture.options(directory))
        let page = try directory.read("public/r/ada/index.html")
        #expect(page.contains("sms:?&amp;body=B%3A%2030%25%20off%20https"), "\(page)")
        #expect(page.contains("https://wa.me/?text=30%25%20off%20at%20Acme%20Rewards"), "\(page)")
        let messaging = try directory.read("public/messaging/index.html")
        #expect(messaging.contains("<pre>Enjoy 30% off: https://refer.acme.example/r/ada/</pre>"), "\(messaging)")

        let inputs = try SiteInputs.load(SiteFixture.options(directory))
        let notifier = Notifier(site: Site(inputs: inputs, asOf: CalendarDay("2026-03-31")!.end))
        func friendEmail(at day: String) throws -> EmailMessage {
            let referral = Referral(id: "rf_\(day)", at: CalendarDay(day)!.start, referrer: "ada", name: "Lin", email: "lin@example.com",
                                    source: .email, variant: nil, consent: true)
            return try #require(notifier.messages(forReferral: referral, at: referral.at).first)
        }
        let during = try friendEmail(at: "2026-03-07")
        #expect(during.subject == "Your 30% off" && during.body.contains("Enjoy 30% off"), "\(during)")
        let after = try friendEmail(at: "2026-03-08")
        #expect(after.subject == "Your 20% off the first order", "\(after)")
    }

    @Test func aThemeWithJoinTemplatesGetsTheJoinPagesInTheSitemapAndAThemeWithoutDoesNot() throws {
        let without = try site().write()
        _ = try SiteBuilder.build(SiteFixture.options(without))
        #expect(!without.exists("public/join/index.html"))
        #expect(!(try without.read("public/index.html").contains("Join")))

        var joining = site()
        joining.pageTemplates["join"] = "{{<layout}}{{$main}}<form action=\"{{form.action}}\"><input name=\"name\" value=\"{{form.values.name}}\">{{form.errors.email}}</form>{{/main}}{{/layout}}"
        joining.pageTemplates["joined"] = "{{<layout}}{{$main}}<p>Check your inbox</p>{{/main}}{{/layout}}"
        let with = try joining.write()
        _ = try SiteBuilder.build(SiteFixture.options(with))
        #expect(try with.read("public/join/index.html").contains(#"<form action="/api/join">"#))
        #expect(try with.read("public/join/sent/index.html").contains("Check your inbox"))
        #expect(try with.read("public/index.html").contains(#"<a href="/join/">Join</a>"#))
        let sitemap = try with.read("public/sitemap.xml")
        #expect(sitemap.contains("<loc>https://refer.acme.example/join/</loc>") && !sitemap.contains("/join/sent/"))
        let inputs = try SiteInputs.load(SiteFixture.options(with))
        let page = try #require(PageRenderer(site: Site(inputs: inputs, asOf: CalendarDay("2026-03-31")!.end))
            .renderJoinForm(FormState(name: "<i>Eve</i>", errors: ["email": "Please enter your email address."])))
        #expect(page.contains(#"value="&lt;i&gt;Eve&lt;/i&gt;""#) && page.contains("Please enter your email address."))
    }

    @Test func aThemeWithOnlyOneOfTheJoinTemplatesIsAnError() throws {
        var half = site()
        half.pageTemplates["join"] = "{{<layout}}{{$main}}<form></form>{{/main}}{{/layout}}"
        let directory = try half.write()
        #expect(throws: BuildError.self) { try SiteBuilder.build(SiteFixture.options(directory)) }
        do {
            _ = try SiteInputs.load(SiteFixture.options(directory))
        } catch {
            #expect(error.description.contains("joined.mustache") && error.description.contains("needs both join.mustache and joined.mustache"))
        }
    }
}

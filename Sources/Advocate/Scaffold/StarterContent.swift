/// The copy a new program starts with: short, and meant to be rewritten.
enum StarterContent {
    static let files: [(String, String)] = [
        ("content/index.md", """
            ---
            title: Refer a friend, get rewarded
            description: Refer a friend and you both get rewarded.
            ---
            ## How it works

            1. Share your personal link with a friend.
            2. Your friend gets their reward on their first order.
            3. You earn a reward once their order is confirmed.

            """),
        ("content/terms.md", """
            ---
            title: Program terms
            version: "1.0"
            effective: 2026-01-01
            ---
            ## Who can take part

            Anyone with an account in good standing.

            ## Rewards

            | Who | Reward |
            | --- | --- |
            | You | account credit for each friend who orders |
            | Your friend | a discount on the first order |

            ## Fair use

            Referring yourself or a friend who was already referred does not earn a reward.

            """),
        ("content/faq.md", """
            ---
            title: Frequently asked questions
            ---
            ## When do I get my reward?

            After your friend's first order is confirmed and the hold period has passed.

            ## Where do I see my referrals?

            On your private stats page: keep its link to yourself.

            """),
        ("content/messaging/email.md", """
            ---
            title: Invitation email
            channel: email
            subject: "{{referrer.firstName}} sent you {{reward.friend}}"
            ---
            Hi!

            I've been using {{program.name}} and thought you'd like it too. My link gets
            you {{reward.friend}}: {{link}}

            {{referrer.name}}

            """),
        ("content/messaging/sms.md", """
            ---
            title: Text message
            channel: sms
            ---
            {{referrer.firstName}} here: get {{reward.friend}} at {{program.name}} with my link {{link}}

            """),
        ("content/messaging/notify-friend.md", """
            ---
            title: Confirmation to the friend
            channel: email
            send: referral-to-friend
            subject: "From {{referrer.firstName}}: {{reward.friend}}"
            ---
            Hi {{friend.firstName}},

            Thanks for joining {{program.name}} through {{referrer.firstName}}'s invitation, which gets you {{reward.friend}}.

            See you soon,
            The {{program.name}} team

            """),
        ("content/messaging/notify-referrer.md", """
            ---
            title: "Note to the referrer: your friend joined"
            channel: email
            send: referral-to-referrer
            subject: "{{friend.firstName}} used your {{program.name}} link"
            ---
            Hi {{referrer.firstName}},

            {{friend.firstName}} just claimed {{reward.friend}} with your link. When their first order is confirmed, you earn {{reward.referrer}}.

            Follow your referrals on your private page: {{statsLink}}

            The {{program.name}} team

            """),
        ("content/messaging/notify-join.md", """
            ---
            title: "Welcome: your links after joining"
            channel: email
            send: join-to-referrer
            subject: "Your {{program.name}} link is ready"
            ---
            Hi {{referrer.firstName}},

            Here is your own link to share: {{link}}

            Friends who use it get {{reward.friend}}; you earn {{reward.referrer}} for every friend who orders.
            See your referrals on your private page (keep it to yourself): {{statsLink}}

            """),
    ]
}

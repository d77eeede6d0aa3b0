import Testing

@testable import NostrCore

@Suite struct RelaySessionStateMachineTests {
    let t0 = ContinuousClock.now
    static let key = KeyPair(secretKey: .generate())
    static let filters = ["inbox": [Filter(kinds: [4], tags: ["p": [key.publicKey.hex]], since: 100)]]

    func event(_ content: String = "x") -> Event {
        EventTemplate(kind: 4, content: content, tags: [["p", Self.key.publicKey.hex]], createdAt: 1_800_000_000).sign(with: Self.key)
    }

    @Test func sendsEverySubscriptionOnConnect() {
        var session = RelaySessionStateMachine()
        let actions = session.connected(subscriptions: Self.filters)
        #expect(actions == [.send(.req(subscriptionID: "inbox", filters: Self.filters["inbox"]!))])
    }

    @Test func anEndedSubscriptionIsClosedForgottenAndNotSentOnReconnect() {
        var session = RelaySessionStateMachine()
        _ = session.connected(subscriptions: Self.filters)
        #expect(session.subscribe("once", filters: Self.filters["inbox"]!) == [.send(.req(subscriptionID: "once", filters: Self.filters["inbox"]!))])
        #expect(session.receive(#"["EOSE","once"]"#, now: t0) == [.endOfStoredEvents(subscriptionID: "once")])
        #expect(session.unsubscribe("once") == [.send(.close(subscriptionID: "once"))])
        #expect(session.unsubscribe("once") == [])
        #expect(session.subscriptionsAtEOSE == [])
        guard case .unexpected = session.receive(RelayMessage.event(subscriptionID: "once", event: event()).jsonString, now: t0).first else {
            Issue.record("an EVENT for an ended subscription must not be delivered")
            return
        }
        _ = session.disconnected(reason: "test")
        #expect(session.unsubscribe("inbox") == [])
        #expect(session.connected(subscriptions: [:]) == [])
    }

    @Test func deliversOnlyKnownSubscriptionsAndTracksEOSE() {
        var session = RelaySessionStateMachine()
        _ = session.connected(subscriptions: Self.filters)
        let e = event()
        #expect(
            session.receive(RelayMessage.event(subscriptionID: "inbox", event: e).jsonString, now: t0)
                == [.deliver(subscriptionID: "inbox", event: e)])
        guard case .unexpected = session.receive(RelayMessage.event(subscriptionID: "other", event: e).jsonString, now: t0).first else {
            Issue.record("EVENT for an unknown subscription must not be delivered")
            return
        }
        #expect(session.receive(#"["EOSE","inbox"]"#, now: t0) == [.endOfStoredEvents(subscriptionID: "inbox")])
        #expect(session.subscriptionsAtEOSE == ["inbox"])
    }

    /// A hostile relay floods frames for subscriptions the bot never opened and sends huge texts: nothing is
    /// remembered for them, and every text handed on is cut to a bounded number of bytes.
    @Test func framesForUnknownSubscriptionsLeaveNoStateAndTextsAreBounded() {
        var session = RelaySessionStateMachine()
        _ = session.connected(subscriptions: Self.filters)
        for index in 0..<5_000 {
            let eose = session.receive(#"["EOSE","x\#(index)"]"#, now: t0)
            let closed = session.receive(#"["CLOSED","y\#(index)","rate-limited: slow down"]"#, now: t0)
            guard case .unexpected = eose.first, case .unexpected = closed.first else {
                Issue.record("unknown subscription \(index) was acted on: \(eose) \(closed)")
                return
            }
        }
        #expect(session.subscriptionsAtEOSE.isEmpty)
        #expect(session.tick(now: t0 + .seconds(120)).isEmpty)  // no re-subscription was scheduled for them
        // A "character" of 300,000 combining marks is one grapheme but 600,000 bytes: refused as an id.
        let heavy = "a" + String(repeating: "\u{0301}", count: 300_000)
        #expect(heavy.count == 1)
        guard case .malformedFrame = session.receive(#"["EOSE",""# + heavy + #""]"#, now: t0).first else {
            Issue.record("a 600 kB subscription id was taken")
            return
        }
        // Texts are cut in bytes, at a scalar boundary.
        guard case .notice(let text) = session.receive(#"["NOTICE","ü"# + heavy + #""]"#, now: t0).first else {
            Issue.record("no notice")
            return
        }
        #expect(text.utf8.count <= RelaySessionStateMachine.maximumTextBytes + 3 && text.hasPrefix("ü"))
        guard case .subscriptionClosed(_, let message) = session.receive(#"["CLOSED","inbox",""# + heavy + #""]"#, now: t0).first else {
            Issue.record("CLOSED for our subscription not reported")
            return
        }
        #expect(message.utf8.count <= RelaySessionStateMachine.maximumTextBytes + 3)
    }

    @Test func malformedFramesAreReportedNotFatal() {
        var session = RelaySessionStateMachine()
        _ = session.connected(subscriptions: Self.filters)
        for frame in ["", "garbage", "[]", #"["EVENT","inbox",{"id":1}]"#, String(repeating: "[", count: 10_000)] {
            guard case .malformedFrame = session.receive(frame, now: t0).first else {
                Issue.record("\(frame.prefix(20)) was not reported as malformed")
                continue
            }
        }
        #expect(session.isConnected)
    }

    @Test func okMatchingAndDuplicateCountsAsAccepted() {
        var session = RelaySessionStateMachine()
        _ = session.connected(subscriptions: [:])
        let a = event("a")
        let b = event("b")
        let c = event("c")
        #expect(session.publish(a, now: t0) == [.send(.event(a))])
        _ = session.publish(b, now: t0)
        _ = session.publish(c, now: t0)
        #expect(session.receive(#"["OK","\#(a.id)",true,""]"#, now: t0) == [.publishResult(eventID: a.id, outcome: .accepted(message: ""))])
        // nostr-relay 1.14 says duplicate with false.
        #expect(
            session.receive(#"["OK","\#(b.id)",false,"duplicate: exists"]"#, now: t0)
                == [.publishResult(eventID: b.id, outcome: .accepted(message: "duplicate: exists"))])
        #expect(
            session.receive(#"["OK","\#(c.id)",false,"invalid: bad"]"#, now: t0)
                == [.publishResult(eventID: c.id, outcome: .rejected(message: "invalid: bad"))])
    }

    @Test func emptyOrUnknownOKIdsTimeOutInsteadOfCrashing() {
        var session = RelaySessionStateMachine(configuration: .init(okTimeout: .seconds(10)))
        _ = session.connected(subscriptions: [:])
        let e = event()
        _ = session.publish(e, now: t0)
        guard case .unexpected = session.receive(#"["OK","",false,"invalid: too old"]"#, now: t0).first else {
            Issue.record("empty-id OK must be reported as unexpected")
            return
        }
        #expect(session.tick(now: t0 + .seconds(9)) == [])
        #expect(session.tick(now: t0 + .seconds(10)) == [.publishResult(eventID: e.id, outcome: .timedOut)])
        #expect(session.tick(now: t0 + .seconds(11)) == [])
    }

    @Test func disconnectFailsPendingPublishesAndRefusesNewOnes() {
        var session = RelaySessionStateMachine()
        _ = session.connected(subscriptions: [:])
        let e = event()
        _ = session.publish(e, now: t0)
        #expect(session.disconnected(reason: "reset") == [.publishResult(eventID: e.id, outcome: .notConnected("reset"))])
        #expect(session.publish(e, now: t0) == [.publishResult(eventID: e.id, outcome: .notConnected("relay is not connected"))])
    }

    /// What ``RelaySessionStateMachine/awaitsVerdict(on:)`` says while an event waits and after each way its wait
    /// ends (the relay connection writes an event sent ahead only once on its strength).
    @Test func anEventAwaitsAVerdictUntilOKTimeoutOrDisconnect() {
        var session = RelaySessionStateMachine(configuration: .init(okTimeout: .seconds(10)))
        _ = session.connected(subscriptions: [:])
        let (a, b, c) = (event("a"), event("b"), event("c"))
        #expect(!session.awaitsVerdict(on: a.id))
        for e in [a, b, c] { _ = session.publish(e, now: t0) }
        #expect([a, b, c].allSatisfy { session.awaitsVerdict(on: $0.id) })
        _ = session.receive(#"["OK","\#(a.id)",true,""]"#, now: t0)
        #expect(!session.awaitsVerdict(on: a.id))
        #expect(session.awaitsVerdict(on: b.id))
        #expect(session.tick(now: t0 + .seconds(10)) == [b, c].sorted { $0.id < $1.id }.map { .publishResult(eventID: $0.id, outcome: .timedOut) })
        #expect(!session.awaitsVerdict(on: b.id))
        _ = session.publish(c, now: t0 + .seconds(10))
        #expect(session.awaitsVerdict(on: c.id))
        _ = session.disconnected(reason: "reset")
        #expect(!session.awaitsVerdict(on: c.id))
        // Not connected: refused at once, nothing waits.
        _ = session.publish(a, now: t0 + .seconds(11))
        #expect(!session.awaitsVerdict(on: a.id))
    }

    /// LocalRelay style: no challenge on connect; `CLOSED auth-required:` with an AUTH frame, then OK for AUTH.
    @Test func lazyAuthThenResendREQAndEVENT() {
        var session = RelaySessionStateMachine()
        _ = session.connected(subscriptions: Self.filters)
        let e = event()
        _ = session.publish(e, now: t0)
        #expect(session.receive(#"["CLOSED","inbox","auth-required: you must auth"]"#, now: t0) == [])
        #expect(session.receive(#"["OK","\#(e.id)",false,"auth-required: you must auth"]"#, now: t0) == [])
        #expect(session.receive(#"["AUTH","c-1"]"#, now: t0) == [.signAuth(challenge: "c-1")])
        let auth = NIP42.authEvent(relayURL: "ws://r", challenge: "c-1", keyPair: Self.key, now: 1_800_000_000)
        #expect(session.authSigned(auth, now: t0) == [.send(.auth(auth))])
        #expect(
            session.receive(#"["OK","\#(auth.id)",true,""]"#, now: t0)
                == [.send(.req(subscriptionID: "inbox", filters: Self.filters["inbox"]!)), .send(.event(e))])
        #expect(session.receive(#"["OK","\#(e.id)",true,""]"#, now: t0) == [.publishResult(eventID: e.id, outcome: .accepted(message: ""))])
    }

    /// Challenge on connect, answered eagerly; CLOSED auth-required arrives before the AUTH OK.
    @Test func eagerAuthAndRelaysThatNeverAnswerAUTH() {
        var session = RelaySessionStateMachine(configuration: .init(authTimeout: .seconds(3)))
        _ = session.connected(subscriptions: Self.filters)
        #expect(session.receive(#"["AUTH","c-2"]"#, now: t0) == [.signAuth(challenge: "c-2")])
        let auth = NIP42.authEvent(relayURL: "ws://r", challenge: "c-2", keyPair: Self.key, now: 1_800_000_000)
        _ = session.authSigned(auth, now: t0)
        #expect(session.receive(#"["CLOSED","inbox","auth-required: sign in first"]"#, now: t0) == [])
        // No OK for AUTH (nostr-relay 1.14): after the timeout, re-send anyway.
        #expect(session.tick(now: t0 + .seconds(2)) == [])
        #expect(session.tick(now: t0 + .seconds(3)) == [.send(.req(subscriptionID: "inbox", filters: Self.filters["inbox"]!))])
    }

    @Test func refusedAuthClosesWhatWaitedForIt() {
        var session = RelaySessionStateMachine()
        _ = session.connected(subscriptions: Self.filters)
        _ = session.receive(#"["AUTH","c-3"]"#, now: t0)
        let auth = NIP42.authEvent(relayURL: "ws://r", challenge: "c-3", keyPair: Self.key, now: 1_800_000_000)
        _ = session.authSigned(auth, now: t0)
        _ = session.receive(#"["CLOSED","inbox","auth-required: who are you"]"#, now: t0)
        #expect(
            session.receive(#"["OK","\#(auth.id)",false,"restricted: not on the list"]"#, now: t0)
                == [.subscriptionClosed(subscriptionID: "inbox", message: "authentication refused: restricted: not on the list")])
    }

    @Test func rateLimitedSubscriptionIsResentLaterWithGrowingDelay() {
        var session = RelaySessionStateMachine()
        _ = session.connected(subscriptions: Self.filters)
        #expect(
            session.receive(#"["CLOSED","inbox","rate-limited: slow down"]"#, now: t0)
                == [.resubscribeScheduled(subscriptionID: "inbox", after: .seconds(2))])
        #expect(session.tick(now: t0 + .seconds(1)) == [])
        #expect(session.tick(now: t0 + .seconds(2)) == [.send(.req(subscriptionID: "inbox", filters: Self.filters["inbox"]!))])
        #expect(
            session.receive(#"["CLOSED","inbox","rate-limited: still"]"#, now: t0 + .seconds(2))
                == [.resubscribeScheduled(subscriptionID: "inbox", after: .seconds(4))])
    }

    @Test func otherClosedMessagesEndTheSubscription() {
        var session = RelaySessionStateMachine()
        _ = session.connected(subscriptions: Self.filters)
        #expect(
            session.receive(#"["CLOSED","inbox","error: shutting down"]"#, now: t0)
                == [.subscriptionClosed(subscriptionID: "inbox", message: "error: shutting down")])
        guard case .unexpected = session.receive(RelayMessage.event(subscriptionID: "inbox", event: event()).jsonString, now: t0).first else {
            Issue.record("a closed subscription must not deliver")
            return
        }
    }

    /// What the driver sleeps until: nothing pending is `nil` (an idle connection needs no wakeups); an EVENT waits for
    /// its OK, an AUTH for its answer, a rate-limited subscription for its resend; each clears when settled.
    @Test func nextDeadlineNamesTheEarliestWaitAndNothingWhenIdle() {
        var session = RelaySessionStateMachine(configuration: .init(okTimeout: .seconds(10), authTimeout: .seconds(3)))
        _ = session.connected(subscriptions: Self.filters)
        #expect(session.nextDeadline == nil)
        let e = event()
        _ = session.publish(e, now: t0)
        #expect(session.nextDeadline == t0 + .seconds(10))
        _ = session.receive(#"["CLOSED","inbox","rate-limited: slow down"]"#, now: t0 + .seconds(1))
        #expect(session.nextDeadline == t0 + .seconds(3), "the resend in 2 s comes before the OK's 10 s")
        _ = session.receive(#"["AUTH","c-9"]"#, now: t0 + .seconds(1))
        _ = session.authSigned(NIP42.authEvent(relayURL: "ws://r", challenge: "c-9", keyPair: Self.key, now: 1_800_000_000), now: t0)
        #expect(session.nextDeadline == t0 + .seconds(3))
        _ = session.tick(now: t0 + .seconds(3))
        #expect(session.nextDeadline == t0 + .seconds(10), "resend and AUTH settled; the OK still waits")
        _ = session.receive(#"["OK","\#(e.id)",true,""]"#, now: t0 + .seconds(4))
        #expect(session.nextDeadline == nil)
        _ = session.publish(event("y"), now: t0)
        _ = session.disconnected(reason: "gone")
        #expect(session.nextDeadline == nil, "a disconnect settles every wait")
    }

    /// ``RelaySessionStateMachine/isWaiting`` (what the driver asks after every frame) says whether there is a
    /// ``RelaySessionStateMachine/nextDeadline`` through every kind of wait, and as each settles.
    @Test func isWaitingAgreesWithNextDeadline() {
        var session = RelaySessionStateMachine(configuration: .init(okTimeout: .seconds(10), authTimeout: .seconds(3)))
        func agree(_ step: String) { #expect(session.isWaiting == (session.nextDeadline != nil), "\(step)") }
        _ = session.connected(subscriptions: Self.filters)
        agree("connected")
        #expect(!session.isWaiting)
        let e = event()
        _ = session.publish(e, now: t0)
        agree("publish awaiting its OK")
        #expect(session.isWaiting)
        _ = session.receive(#"["OK","\#(e.id)",true,""]"#, now: t0)
        agree("OK received")
        #expect(!session.isWaiting)
        _ = session.receive(#"["CLOSED","inbox","rate-limited: slow down"]"#, now: t0)
        agree("resubscription scheduled")
        #expect(session.isWaiting)
        _ = session.tick(now: t0 + .seconds(60))
        agree("resubscription sent")
        #expect(!session.isWaiting)
        _ = session.receive(#"["AUTH","c-9"]"#, now: t0)
        _ = session.authSigned(NIP42.authEvent(relayURL: "ws://r", challenge: "c-9", keyPair: Self.key, now: 1_800_000_000), now: t0)
        agree("AUTH awaiting its answer")
        #expect(session.isWaiting)
        _ = session.tick(now: t0 + .seconds(3))
        agree("AUTH assumed")
        #expect(!session.isWaiting)
        _ = session.publish(event("y"), now: t0)
        _ = session.disconnected(reason: "gone")
        agree("disconnected")
        #expect(!session.isWaiting)
    }
}

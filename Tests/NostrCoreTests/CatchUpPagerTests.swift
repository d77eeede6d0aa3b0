import NostrCore
import Testing

/// ``CatchUpPager`` driven with plain values: pages asked after each EOSE, and when it stops.
struct CatchUpPagerTests {
    static let inbox = [Filter(kinds: [4], tags: ["p": ["ab"]], since: 1_000)]

    /// A relay that returns the newest `cap` stored events of a filter (ties in any order), as LocalRelay does.
    struct CappedRelay {
        let times: [Int64]
        let cap: Int
        func page(_ filters: [Filter]) -> [Int64] {
            let filter = filters[0]
            let matching = times.filter { $0 >= (filter.since ?? 0) && $0 <= (filter.until ?? .max) }.sorted(by: >)
            return Array(matching.prefix(cap))
        }
    }

    /// Runs a catch-up against `relay` to its end; returns every `created_at` received and the pages asked.
    func run(_ relay: CappedRelay, filters: [Filter] = Self.inbox) -> (received: [Int64], pages: Int) {
        var pager = CatchUpPager()
        var requests = pager.start(["inbox": filters]).map { ($0.subscriptionID, $0.filters) }
        var received: [Int64] = []
        var pages = 0
        while let (id, filters) = requests.popLast() {
            pages += 1
            for time in relay.page(filters) {
                received.append(time)
                pager.received(subscriptionID: id, createdAt: time)
            }
            switch pager.endOfStoredEvents(id) {
            case .next(let next, let filters): requests.append((next, filters))
            case .done(let done): #expect(done == id)
            case .notCatchingUp: Issue.record("the pager forgot \(id)")
            }
        }
        #expect(!pager.isActive)
        return (received, pages)
    }

    @Test func pagesBackToSinceAndReachesEveryStoredEvent() {
        // 2,000 events over 40 seconds (50 a second) above `since`, 30 below it; pages of 500.
        let above: [Int64] = (0..<2_000).map { index in Int64(2_000 - index / 50) }
        let below: [Int64] = (0..<30).map { index in Int64(900 + index) }
        let times = above + below
        let (received, pages) = run(CappedRelay(times: times, cap: 500))
        #expect(Set(received) == Set(times.filter { $0 >= 1_000 }))
        #expect(Set(received).count == 40)
        // Every second of 50 events ends up whole: the pages overlap at their boundary seconds.
        let counts = Dictionary(grouping: received.filter { $0 >= 1_000 }, by: { $0 }).mapValues(\.count)
        #expect(counts.values.allSatisfy { $0 >= 50 })
        #expect(pages >= 4 && pages <= 7, "\(pages) pages")
    }

    @Test func aPageThatIsNotFullEndsAfterOneMoreRequest() {
        let (received, pages) = run(CappedRelay(times: (0..<100).map { Int64(1_500 + $0) }, cap: 500))
        // The second page asks until the oldest second (inclusive: its one event again), which is then the whole
        // page; the third asks the second before it and brings nothing: done.
        #expect(received.count == 101)
        #expect(Set(received).count == 100)
        #expect(pages == 3)
    }

    @Test func moreEventsInOneSecondThanAPageHoldsAreSkippedToReachOlderSeconds() {
        // 800 events in second 1,500 (pages of 500 reach 500 of them: the documented limit), and one event in each
        // of the 100 seconds before it, which the pager still reaches by asking until 1,499 next.
        let older: [Int64] = (0..<100).map { Int64(1_400 + $0) }
        let (received, pages) = run(CappedRelay(times: Array(repeating: 1_500, count: 800) + older, cap: 500))
        #expect(received.filter { $0 == 1_500 }.count == 500)
        #expect(Set(received) == Set(older + [1_500]))
        // until now (500 of 1,500), until 1,499 (1,499 … 1,400), until 1,400 (its one event), until 1,399 (nothing).
        #expect(pages == 4)
    }

    @Test func manyFullSecondsInARowAreEachReachedInPart() {
        // A burst of 3 seconds with 1,200 events each above 50 events spread before it: every second is reached.
        let burst: [Int64] = (0..<3_600).map { Int64(1_600 - $0 / 1_200) }
        let before: [Int64] = (0..<50).map { Int64(1_500 + $0) }
        let (received, _) = run(CappedRelay(times: burst + before, cap: 500))
        #expect(Set(received) == Set(burst + before))
    }

    @Test func aRelayThatIgnoresUntilCannotKeepThePagerGoing() {
        var pager = CatchUpPager()
        let id = pager.start(["inbox": Self.inbox])[0].subscriptionID
        pager.received(subscriptionID: id, createdAt: 1_500)
        guard case .next(_, let filters) = pager.endOfStoredEvents(id) else {
            Issue.record("a first page with events asks for the next")
            return
        }
        // The whole first page was one second: the next asks from the second before it.
        #expect(filters[0].until == 1_499)
        #expect(filters[0].since == 1_000)
        // The relay sends newer events again instead of older ones: nothing older, done.
        pager.received(subscriptionID: id, createdAt: 1_700)
        #expect(pager.endOfStoredEvents(id) == .done(subscriptionID: id))
    }

    @Test func stopsAfterTheMaximumNumberOfPages() {
        // One event per second over far more seconds than pages allowed; pages of two reach one second further each.
        let (received, pages) = run(CappedRelay(times: (0..<1_000).map { Int64(1_001 + $0) }, cap: 2))
        #expect(pages == CatchUpPager.maximumPages)
        #expect(Set(received).count == CatchUpPager.maximumPages + 1)
    }

    @Test func endsOfOtherSubscriptionsAndResetsAreNotPaged() {
        var pager = CatchUpPager()
        let first = pager.start(["inbox": Self.inbox, "other": Self.inbox])
        #expect(first.map(\.subscriptionID) == [CatchUpPager.id(catchingUp: "inbox"), CatchUpPager.id(catchingUp: "other")])
        #expect(pager.endOfStoredEvents("inbox") == .notCatchingUp)
        pager.reset()
        #expect(!pager.isActive)
        #expect(pager.endOfStoredEvents(first[0].subscriptionID) == .notCatchingUp)
    }
}

import Gate
import NIOConcurrencyHelpers
import Testing

/// ``LeaseRenewal`` driven with plain closures: when a renewal that answers "not yours" is a loss.
@Suite struct LeaseRenewalTests {
    /// The work finishes (and completes what the lease guarded) while a renewal is in flight; the renewal then
    /// answers false. That is no loss: found under ThreadSanitizer, where this race logged "lease lost".
    @Test func aRenewalAnsweringFalseAfterTheWorkFinishedIsNoLoss() async {
        let lost = NIOLockedValueBox(0)
        let renewals = NIOLockedValueBox(0)
        let value = await LeaseRenewal.run(
            every: .milliseconds(5),
            renew: {
                renewals.withLockedValue { $0 += 1 }
                // In flight until the work finishes (the group cancels the renewal then), then "not yours".
                try? await Task.sleep(for: .seconds(30))
                return false
            }, lost: { lost.withLockedValue { $0 += 1 } }
        ) {
            try? await Task.sleep(for: .milliseconds(100))
            return 7
        }
        #expect(value == 7)
        #expect(renewals.withLockedValue { $0 } == 1, "the renewal was in flight when the work finished")
        #expect(lost.withLockedValue { $0 } == 0)
    }

    /// A renewal answering false while the work still runs is a loss, reported once; renewal stops.
    @Test func aRenewalAnsweringFalseWhileTheWorkRunsIsALoss() async {
        let lost = NIOLockedValueBox(0)
        let renewals = NIOLockedValueBox(0)
        let value = await LeaseRenewal.run(
            every: .milliseconds(5),
            renew: {
                renewals.withLockedValue { $0 += 1 }
                return false
            }, lost: { lost.withLockedValue { $0 += 1 } }
        ) {
            try? await Task.sleep(for: .milliseconds(200))
            return 8
        }
        #expect(value == 8 && lost.withLockedValue { $0 } == 1 && renewals.withLockedValue { $0 } == 1)
    }

    /// The table of ``LeaseRenewal/mustConfirm(claimAge:lease:)``: a claim of this process younger than a third of
    /// its lease is written without another commit; an older one, or one taken over, is confirmed first.
    @Test(arguments: [
        (Duration.zero, Int64(30), false), (.milliseconds(9_999), 30, false), (.seconds(10), 30, true), (.seconds(40), 30, true),
        (.milliseconds(300), 1, false), (.milliseconds(334), 1, true)
    ])
    func aFreshClaimNeedsNoConfirmation(age: Duration, lease: Int64, confirm: Bool) {
        #expect(LeaseRenewal.mustConfirm(claimAge: age, lease: lease) == confirm)
    }

    @Test func aClaimOfUnknownAgeIsConfirmed() {
        #expect(LeaseRenewal.mustConfirm(claimAge: nil, lease: 30))
    }
}

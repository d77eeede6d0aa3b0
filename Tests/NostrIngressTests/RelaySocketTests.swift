import Testing

@testable import NostrIngress

/// The websocket client's handshake, run without a network.
@Suite struct RelaySocketTests {
    /// The process-wide warm-up (``RelaySocket/typeMetadataReady``) takes the same pipeline as a real connection
    /// through the whole RFC 6455 sample handshake, so every generic type a connection builds exists before two
    /// event loops can build it at once.
    @Test func theHandshakeCompletesOnAnEmbeddedChannelWithTheRFCSample() {
        #expect(RelaySocket.handshakeOnEmbeddedChannel())
        #expect(RelaySocket.typeMetadataReady)
    }
}

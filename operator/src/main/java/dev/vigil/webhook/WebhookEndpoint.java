package dev.vigil.webhook;

/** What is served at one webhook path: the payload parser and how the sender authenticates. */
record WebhookEndpoint(WebhookFormat format, PayloadParser parser, SenderAuthentication auth) {

  static WebhookEndpoint of(WebhookFormat format) {
    return switch (format) {
      case DISTRIBUTION ->
          new WebhookEndpoint(
              format, new DistributionPayloadParser(), SenderAuthentication.AUTHORIZATION_BEARER);
      case ACR ->
          new WebhookEndpoint(
              format, new AcrPayloadParser(), SenderAuthentication.AUTHORIZATION_BEARER);
      case HARBOR ->
          new WebhookEndpoint(
              format, new HarborPayloadParser(), SenderAuthentication.AUTHORIZATION_VALUE);
      case DOCKER_HUB ->
          new WebhookEndpoint(format, new DockerHubPayloadParser(), SenderAuthentication.TOKEN);
      case QUAY -> new WebhookEndpoint(format, new QuayPayloadParser(), SenderAuthentication.TOKEN);
      case GITHUB ->
          new WebhookEndpoint(
              format, new GitHubPayloadParser(), SenderAuthentication.HMAC_SIGNATURE);
    };
  }
}

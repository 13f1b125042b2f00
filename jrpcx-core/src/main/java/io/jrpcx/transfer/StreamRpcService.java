package io.jrpcx.transfer;

import io.jrpcx.ServiceException;

/**
 * The rpcx service {@code _streamservice}: {@code Stream} asks the acceptor, issues a token and
 * answers with the side channel's address. Registered by {@link SideChannels#enableStreamService}.
 */
final class StreamRpcService {
  private final StreamService config;
  private final SideChannelServer channel;

  StreamRpcService(StreamService config, SideChannelServer channel) {
    this.config = config;
    this.channel = channel;
  }

  public StreamServiceReply stream(StreamServiceArgs args) {
    if (!config.acceptor.accept(args.meta())) {
      throw new ServiceException(StreamService.REFUSED);
    }
    byte[] token = channel.issue(connection -> config.handler.handle(connection, args.meta()));
    return new StreamServiceReply(token, channel.advertisedAddress());
  }
}

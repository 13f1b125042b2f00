/**
 * File transfer and raw streams over rpcx's side channel, wire-compatible with Go rpcx (spec
 * §2.7).
 *
 * <p>An rpcx call ({@code _filetransfer.TransferFile}, {@code _filetransfer.DownloadFile} or
 * {@code _streamservice.Stream}) returns a 32-byte token and an address; the client opens a
 * separate TCP connection there, writes the token, and then the bytes flow with no framing. Start
 * with {@link io.jrpcx.transfer.FileTransfer} and {@link io.jrpcx.transfer.StreamService} for the
 * server ({@code server.enableFileTransfer}, {@code server.enableStreamService}); clients use
 * {@code sendFile}, {@code downloadFile} and {@code stream} on {@code Client} and {@code XClient}.
 * The argument and reply types ({@link io.jrpcx.transfer.FileTransferArgs} and the others) are
 * Go's, written with Go's JSON tags or MsgPack field names depending on the codec.
 *
 * <p><b>Why blocking sockets, not Netty.</b> The side channel carries one transfer per
 * connection, from a file or user stream to a socket or back. With a blocking
 * {@link java.net.Socket} and one thread per transfer, back-pressure is TCP's own window: a slow
 * disk or handler stops reading, the peer's writes block, and nothing queues in between, so each
 * transfer holds one 64 KiB buffer whatever the file's size. User handlers get plain
 * {@link java.io.InputStream}/{@link java.io.OutputStream}s they may block on. With Netty the same
 * would need auto-read toggling, writability callbacks and a hand-off to a blocking thread for the
 * user's streams anyway. The thread cost is bounded by each listener's {@code maxConnections};
 * rpcx calls themselves stay on the Netty server.
 *
 * <p>Internals ({@code SideChannelServer} for the listener, {@code TokenStore} for the tokens,
 * {@code SideChannelClient} for the client end, {@code GoStruct} for the two wire spellings) are
 * package-private; {@link io.jrpcx.transfer.SideChannels} is only the bridge the client and
 * server classes call.
 */
package io.jrpcx.transfer;

package io.h2splice.core.pool;

import io.netty.channel.ChannelFuture;


/** Opens one upstream connection to {@code pool.address()} on the pool's event loop; the connection reports back to the pool. */
public interface Dialer {

    ChannelFuture dial(UpstreamPool pool);
}

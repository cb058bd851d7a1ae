//! UDP to one `host:port`, the host resolved once per export. See [`Udp`].

use std::io;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};

use crate::error::SendError;
use crate::lines::Lines;
use crate::packing::Datagrams;

/// What one send did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sent {
    pub(crate) datagrams: usize,
    pub(crate) bytes: usize,
    pub(crate) failed: usize,
    pub(crate) oversize: usize,
}

/// Unconnected sockets (one per address family, bound on first use) sending to `addr`.
#[derive(Debug)]
pub(crate) struct Udp {
    addr: String,
    v4: Option<UdpSocket>,
    v6: Option<UdpSocket>,
}

impl Udp {
    pub(crate) fn new(addr: String) -> Self {
        Udp {
            addr,
            v4: None,
            v6: None,
        }
    }

    /// The first address `addr` resolves to.
    fn resolve(&self) -> Result<SocketAddr, SendError> {
        let resolve_error = |source| SendError::Resolve {
            addr: self.addr.clone(),
            source,
        };
        let mut addrs = self.addr.to_socket_addrs().map_err(resolve_error)?;
        addrs
            .next()
            .ok_or_else(|| resolve_error(io::Error::other("the name has no address")))
    }

    fn socket(&mut self, to: SocketAddr) -> io::Result<&UdpSocket> {
        let (slot, any) = match to {
            SocketAddr::V4(_) => (&mut self.v4, "0.0.0.0:0"),
            SocketAddr::V6(_) => (&mut self.v6, "[::]:0"),
        };
        if slot.is_none() {
            *slot = Some(UdpSocket::bind(any)?);
        }
        Ok(slot.as_ref().expect("bound above"))
    }

    /// Resolves the host once, then sends every datagram of `lines` (at most `max` bytes
    /// each). Every datagram is tried; the first failure is returned with the counts in
    /// `sent`.
    pub(crate) fn send(
        &mut self,
        lines: &Lines,
        max: usize,
        sent: &mut Sent,
    ) -> Result<(), SendError> {
        if lines.is_empty() {
            return Ok(());
        }
        let to = self.resolve()?;
        let socket = match self.socket(to) {
            Ok(s) => s,
            Err(source) => {
                let datagrams = Datagrams::new(lines, max).count();
                sent.failed += datagrams;
                return Err(SendError::Send {
                    addr: to,
                    failed: datagrams,
                    datagrams,
                    source,
                });
            }
        };
        let mut first: Option<io::Error> = None;
        for d in Datagrams::new(lines, max) {
            sent.oversize += usize::from(d.oversize);
            match socket.send_to(d.bytes, to) {
                Ok(n) => {
                    sent.datagrams += 1;
                    sent.bytes += n;
                }
                Err(e) => {
                    sent.failed += 1;
                    first.get_or_insert(e);
                }
            }
        }
        match first {
            None => Ok(()),
            Some(source) => Err(SendError::Send {
                addr: to,
                failed: sent.failed,
                datagrams: sent.failed + sent.datagrams,
                source,
            }),
        }
    }
}

//! What both interop examples share: a minimal `/metrics` server for a `prometheus::Registry`.

use std::error::Error;
use std::net::SocketAddr;

use prometheus::{Encoder as _, Registry, TextEncoder};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// A minimal `/metrics` server (one response per connection) until Ctrl-C.
pub async fn serve(addr: SocketAddr, registry: Registry) -> Result<(), Box<dyn Error>> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("serving http://{}/metrics", listener.local_addr()?);
    loop {
        let (mut conn, _) = tokio::select! {
            c = listener.accept() => c?,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let registry = registry.clone();
        tokio::spawn(async move {
            let (mut req, mut buf) = (Vec::new(), [0u8; 1024]);
            while !req.ends_with(b"\r\n\r\n") && req.len() < 16 * 1024 {
                match conn.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let (enc, mut body) = (TextEncoder::new(), Vec::new());
            let status = match req.starts_with(b"GET /metrics ") {
                true => enc
                    .encode(&registry.gather(), &mut body)
                    .map_or("500 Error", |_| "200 OK"),
                false => "404 Not Found",
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                enc.format_type(),
                body.len()
            );
            let _ = conn.write_all(&[head.as_bytes(), &body].concat()).await;
        });
    }
}

//! The baseline: a bare tonic echo RPC (`icc.bench.v1.EchoService`), served
//! the way the ICC services are served (tonic's default server over an
//! already-bound tokio listener with TCP_NODELAY, health beside it) so that
//! the difference to a real RPC is that RPC's own work.

use std::future::Future;
use std::net::SocketAddr;

use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tonic::transport::Channel;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};

use crate::load::Target;

/// Generated messages, client and server of `icc.bench.v1`.
pub mod pb {
    tonic::include_proto!("icc.bench.v1");
}

use pb::echo_service_client::EchoServiceClient;
use pb::echo_service_server::{EchoService, EchoServiceServer};
use pb::{EchoRequest, EchoResponse};

/// `icc-loadgen echo-server` flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerConfig {
    /// Address to listen on; port 0 picks a free one. The first line on
    /// stdout is `echo-server listening on <addr>`.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Stop when stdin reaches end of file, so the server never outlives a
    /// parent that holds the other end of a pipe, however the parent died.
    #[arg(long)]
    pub exit_on_stdin_eof: bool,
}

/// The echo service: hands the payload back.
#[derive(Debug, Default, Clone, Copy)]
pub struct Echo;

#[tonic::async_trait]
impl EchoService for Echo {
    async fn echo(&self, request: Request<EchoRequest>) -> Result<Response<EchoResponse>, Status> {
        Ok(Response::new(EchoResponse {
            payload: request.into_inner().payload,
        }))
    }
}

/// Serves EchoService and grpc.health.v1 on `listener` until `shutdown`.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<EchoServiceServer<Echo>>().await;
    health
        .set_service_status("", tonic_health::ServingStatus::Serving)
        .await;
    tonic::transport::Server::builder()
        .add_service(health_service)
        .add_service(EchoServiceServer::new(Echo))
        // TCP_NODELAY like the ICC servers (icc_server::incoming).
        .serve_with_incoming_shutdown(
            TcpIncoming::from(listener).with_nodelay(Some(true)),
            shutdown,
        )
        .await
}

/// Entry point of `icc-loadgen echo-server`.
pub async fn serve_main(config: ServerConfig) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.listen).await?;
    // The parent reads this line to learn the port, as with the ICC
    // servers (icc_server::announce).
    println!("echo-server listening on {}", listener.local_addr()?);
    let exit_on_eof = config.exit_on_stdin_eof;
    serve(listener, async move {
        let stdin_closed = async {
            if exit_on_eof {
                let mut sink = Vec::new();
                let _ = tokio::io::stdin().read_to_end(&mut sink).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            _ = crate::procs::shutdown_signal() => {}
            _ = stdin_closed => {}
        }
    })
    .await?;
    Ok(())
}

/// A client sending one fixed payload per Echo call.
#[derive(Debug, Clone)]
pub struct EchoTarget {
    client: EchoServiceClient<Channel>,
    payload: Vec<u8>,
}

impl EchoTarget {
    /// A target on `channel` whose requests carry `payload_bytes` bytes.
    pub fn new(channel: Channel, payload_bytes: usize) -> Self {
        EchoTarget {
            client: EchoServiceClient::new(channel),
            payload: vec![0xa5; payload_bytes],
        }
    }
}

impl Target for EchoTarget {
    fn call(&mut self) -> impl Future<Output = Result<(), Status>> + Send {
        let request = EchoRequest {
            payload: self.payload.clone(),
        };
        async move { self.client.echo(request).await.map(|_| ()) }
    }
}

/// Encoded size of an EchoRequest carrying `payload_bytes` bytes.
pub fn request_len(payload_bytes: usize) -> usize {
    prost::Message::encoded_len(&EchoRequest {
        payload: vec![0; payload_bytes],
    })
}

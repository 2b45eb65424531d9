package dev.switchboard.agent.llm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small OpenAI-compatible {@code POST /v1/chat/completions} server on a raw socket that streams
 * server-sent events and misbehaves as a test tells it to, down to dropping the connection in the
 * middle of a chunked body. It stands in for the outside world (OpenAI, vLLM, Ollama).
 */
public final class FakeLlmServer {
    public enum Mode {
        /** five tokens, a usage report, [DONE] */
        NORMAL,
        /** one token, then silence longer than the client's timeout */
        STALL_AFTER_FIRST_TOKEN,
        /** HTTP 500 */
        FAIL_500,
        /** a chunk that is not JSON */
        MALFORMED,
        /** two tokens, then the connection drops without [DONE] */
        DIE_MID_STREAM,
        /** the status line, then nothing until {@link #releaseHung()} (or 20 s) */
        HANG_BEFORE_FIRST_TOKEN,
        /** three tokens that decode to U+0000 and an unpaired surrogate, which PostgreSQL cannot store */
        UNSTORABLE_TEXT
    }

    public static final List<String> TOKENS = List.of("Our ", "prices ", "start ", "at ", "$20.");
    private static final FakeLlmServer INSTANCE = new FakeLlmServer();

    private final ServerSocket socket;
    public volatile Mode mode = Mode.NORMAL;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger clientsGone = new AtomicInteger();
    final List<String> bodies = new CopyOnWriteArrayList<>();
    /** Exchanges held by HANG_BEFORE_FIRST_TOKEN right now. */
    final AtomicInteger hanging = new AtomicInteger();
    private volatile java.util.concurrent.CountDownLatch hangRelease = new java.util.concurrent.CountDownLatch(1);

    /** Ends every hanging exchange (with a normal answer) and arms the hang again for the next ones. */
    void releaseHung() {
        java.util.concurrent.CountDownLatch release = hangRelease;
        hangRelease = new java.util.concurrent.CountDownLatch(1);
        release.countDown();
    }

    private FakeLlmServer() {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread acceptor = new Thread(this::accept, "fake-llm");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static FakeLlmServer get() {
        return INSTANCE;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    private void accept() {
        while (true) {
            try {
                Socket client = socket.accept();
                Thread t = new Thread(() -> serve(client), "fake-llm-exchange");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            String line;
            int length = 0;
            if (in.readLine() == null) {
                return;
            }
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            requests.incrementAndGet();
            bodies.add(new String(body, 0, read));
            respond(client, client.getOutputStream(), mode);
        } catch (IOException gone) {
            clientsGone.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void respond(Socket client, OutputStream out, Mode current) throws IOException, InterruptedException {
        if (current == Mode.FAIL_500) {
            write(out, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }
        write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n");
        switch (current) {
            case HANG_BEFORE_FIRST_TOKEN -> {
                out.flush();
                hanging.incrementAndGet();
                try {
                    hangRelease.await(20, java.util.concurrent.TimeUnit.SECONDS);
                } finally {
                    hanging.decrementAndGet();
                }
                chunk(out, "data: [DONE]\n\n");
            }
            case NORMAL -> {
                for (String token : TOKENS) {
                    chunk(out, token(token));
                }
                chunk(out, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":5}}\n\n");
                chunk(out, "data: [DONE]\n\n");
            }
            case STALL_AFTER_FIRST_TOKEN -> {
                chunk(out, token(TOKENS.get(0)));
                Thread.sleep(3000);
                for (int i = 0; i < 50; i++) {
                    chunk(out, token("late "));
                    Thread.sleep(20);
                }
                chunk(out, "data: [DONE]\n\n");
            }
            case MALFORMED -> {
                chunk(out, "data: {this is not json\n\n");
                chunk(out, "data: [DONE]\n\n");
            }
            case DIE_MID_STREAM -> {
                chunk(out, token(TOKENS.get(0)));
                chunk(out, token(TOKENS.get(1)));
                Thread.sleep(50);
                client.setSoLinger(true, 0); // reset, no clean end of the chunked body
                return;
            }
            case UNSTORABLE_TEXT -> {
                chunk(out, token("Our \\u0000prices "));
                chunk(out, token("start \\ud800"));
                chunk(out, token("at $20."));
                chunk(out, "data: [DONE]\n\n");
            }
            default -> throw new IllegalStateException(current.name());
        }
        write(out, "0\r\n\r\n");
    }

    private static String token(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}\n\n";
    }

    private static void chunk(OutputStream out, String data) throws IOException {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        write(out, Integer.toHexString(bytes.length) + "\r\n");
        out.write(bytes);
        write(out, "\r\n");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}

package dev.switchboard.ops;

/**
 * One daemon thread that runs a module's loop from start-up to shut-down: the loop checks
 * {@link #running()}, and {@link #stop()} interrupts whatever it is waiting on.
 */
public final class LoopThread {
    private final String name;
    private volatile boolean running;
    private Thread thread;

    public LoopThread(String name) {
        this.name = name;
    }

    public synchronized void start(Runnable loop) {
        running = true;
        thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    public boolean running() {
        return running;
    }

    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}

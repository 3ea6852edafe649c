package io.streamrec.model.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr, redrawn in place when stderr is a terminal and silent
 * otherwise (logs then carry one line per epoch instead).
 */
final class ProgressBar {
    private final PrintStream out;
    private final boolean interactive;
    private final String label;
    private long started;
    private long lastDraw;

    ProgressBar(String label) {
        this(label, System.err, System.console() != null && System.getenv("STREAMREC_NO_PROGRESS") == null);
    }

    ProgressBar(String label, PrintStream out, boolean interactive) {
        this.label = label;
        this.out = out;
        this.interactive = interactive;
    }

    void start() {
        started = System.nanoTime();
        lastDraw = 0;
    }

    void update(int done, int total, String detail) {
        if (!interactive) {
            return;
        }
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        out.print('\r' + render(done, total, detail, (now - started) / 1e9));
        if (done >= total) {
            out.print("\r\033[2K");
        }
        out.flush();
    }

    String render(int done, int total, String detail, double elapsedSeconds) {
        int width = 30;
        double frac = total == 0 ? 1 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(frac * width);
        StringBuilder bar = new StringBuilder(label).append(" [");
        for (int k = 0; k < width; k++) {
            bar.append(k < filled ? '=' : (k == filled ? '>' : ' '));
        }
        double eta = done == 0 ? 0 : elapsedSeconds / done * (total - done);
        bar.append(String.format(
                "] %3d%% %d/%d %s elapsed %s eta %s",
                (int) (frac * 100), done, total, detail, clock(elapsedSeconds), clock(eta)));
        return bar.toString();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}

package io.streamrec.launcher.dashboard;

/** The uPlot WebJar's version (the root pom's {@code uplot.version}; DashboardTest loads its files). */
final class UplotVersion {
    static final String VERSION = "1.6.30";

    private UplotVersion() {}
}

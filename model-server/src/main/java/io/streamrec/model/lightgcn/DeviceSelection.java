package io.streamrec.model.lightgcn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Chooses where tensors live: {@code auto} (CUDA when DJL finds a GPU), {@code cpu} or {@code gpu}. */
public final class DeviceSelection {
    private DeviceSelection() {}

    public static final String HOW_TO_GET_CUDA =
            "PyTorch CUDA natives are not on the classpath: build with -Pcuda (see README.md, 'GPU'), "
                    + "or let DJL download them at run time (online, -Dai.djl.offline=false, PYTORCH_FLAVOR=cu128)";

    public static Device resolve(String choice) {
        String c = choice == null ? "auto" : choice.toLowerCase(Locale.ROOT);
        switch (c) {
            case "cpu":
                return Device.cpu();
            case "gpu":
            case "cuda":
                if (gpuCount() == 0) {
                    throw new IllegalArgumentException(
                            "--device gpu: no CUDA GPU visible to PyTorch. " + HOW_TO_GET_CUDA);
                }
                return Device.gpu();
            case "auto":
                return gpuCount() > 0 ? Device.gpu() : Device.cpu();
            default:
                throw new IllegalArgumentException("--device must be auto, cpu or gpu, got '" + choice + "'");
        }
    }

    public static int gpuCount() {
        return Engine.getEngine("PyTorch").getGpuCount();
    }
}

package io.streamrec.model.cli;

import io.streamrec.common.cli.CommandSet;
import java.util.List;

/** The model server's commands: training, evaluation, encoders, serving and their benchmarks. */
public final class ModelCommands extends CommandSet {
    public ModelCommands() {
        super(
                "Model commands (offline training and evaluation, the model server)",
                1,
                () -> List.of(
                        new DemoCommand(),
                        new TrainCommand(),
                        new EvaluateCommand(),
                        new GenerateCommand(),
                        new EncodeTextCommand(),
                        new ColdStartCommand(),
                        new ServeCommand(),
                        new SpeedBenchCommand(),
                        new PrequentialCommand(),
                        new IncrementalBenchCommand(),
                        new StepBenchCommand(),
                        new ItemGraphBenchCommand()));
    }
}

package io.streamrec.flink.serving;

import io.streamrec.flink.Interaction;

/**
 * What the user-keyed operator receives: an interaction, or that user's vector of a model version
 * (exactly one is set). User vectors travel keyed, next to the user's events; item vectors are
 * broadcast. A Flink POJO.
 */
public class UserInput {
  public Interaction interaction;
  public ModelUpdate vector;

  public UserInput() {}

  public static UserInput of(Interaction i) {
    UserInput u = new UserInput();
    u.interaction = i;
    return u;
  }

  public static UserInput of(ModelUpdate v) {
    UserInput u = new UserInput();
    u.vector = v;
    return u;
  }

  public String user() {
    return interaction != null ? interaction.user : vector.id;
  }
}

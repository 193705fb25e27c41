package io.meridian.coordinator.decide;

/** An action and the sentence that explains it to the person on call, with the evidence. */
public record Decision(Action action, String reason) {
}

package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.agent.Classifier;
import dev.switchboard.agent.IntentDefinition;
import java.lang.management.ManagementFactory;

/**
 * What one rules-agent classification costs on this thread, in time and in bytes allocated, for the
 * built-in intents and three kinds of message (the benchmark's greeting, a booking, a question). Run
 * on a quiet machine; the JIT gets four rounds before the fifth is printed.
 */
public final class ClassifierCost {
    private ClassifierCost() {
    }

    public static void main(String[] args) throws Exception {
        IntentDefinition definition = IntentDefinition.parse(new ObjectMapper().readTree(
                ClassifierCost.class.getResourceAsStream("/agent/intents.json")));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String[] messages = {"hello m-17-42", "Could I book a Massage tomorrow at 3pm?", "what are your opening hours"};
        int calls = 200_000;
        for (int round = 1; round <= 5; round++) {
            for (String message : messages) {
                long bytes = threads.getCurrentThreadAllocatedBytes();
                long start = System.nanoTime();
                int sink = 0;
                for (int i = 0; i < calls; i++) {
                    sink += Classifier.classify(definition, message).intent().length();
                }
                long nanos = System.nanoTime() - start;
                bytes = threads.getCurrentThreadAllocatedBytes() - bytes;
                if (round == 5) {
                    System.out.printf("%-42s %8.2f us %8.0f bytes per classification (%d)%n", message,
                            nanos / 1e3 / calls, bytes / (double) calls, sink);
                }
            }
        }
    }
}

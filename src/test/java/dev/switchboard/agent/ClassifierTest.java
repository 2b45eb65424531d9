package dev.switchboard.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassifierTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static IntentDefinition definition(String json) throws Exception {
        return IntentDefinition.parse(MAPPER.readTree(json));
    }

    private static IntentDefinition builtIn() throws Exception {
        return IntentDefinition.parse(MAPPER.readTree(ClassifierTest.class.getResourceAsStream("/agent/intents.json")));
    }

    @Test
    void keywordsMatchWholeWordsAndMoreMatchesMeanMoreConfidence() throws Exception {
        IntentDefinition d = builtIn();
        Classification one = Classifier.classify(d, "Hi there");
        assertEquals("greeting", one.intent());
        assertEquals(0.55, one.confidence(), 1e-9);
        assertEquals("greeting", Classifier.classify(d, "hello hi hey").intent());
        assertTrue(Classifier.classify(d, "hello hi hey").confidence() > one.confidence());
        assertEquals(Classification.UNKNOWN, Classifier.classify(d, "this is chilly").intent(),
                "'hi' inside 'chilly' is not a greeting");
    }

    @Test
    void belowTheThresholdAMessageIsUnknown() throws Exception {
        IntentDefinition strict = definition("{\"threshold\":0.6,\"intents\":[{\"name\":\"greeting\",\"keywords\":[\"hi\"]}]}");
        assertEquals(Classification.UNKNOWN, Classifier.classify(strict, "hi").intent());
    }

    @Test
    void patternsScoreHigherThanKeywords() throws Exception {
        IntentDefinition d = definition("{\"intents\":[{\"name\":\"order\",\"keywords\":[\"status\"]},"
                + "{\"name\":\"tracking\",\"patterns\":[\"where is my (order|parcel)\"]}]}");
        Classification c = Classifier.classify(d, "Status? Where is my parcel");
        assertEquals("tracking", c.intent());
        assertEquals(0.9, c.confidence(), 1e-9);
    }

    @Test
    void slotsAreFoundByValueListOrPattern() throws Exception {
        Classification c = Classifier.classify(builtIn(), "Could I book a Massage tomorrow at 3pm?");
        assertEquals("book", c.intent());
        assertEquals(Map.of("service", "massage", "date", "tomorrow", "time", "3pm"), c.slots());
    }

    @Test
    void aBlankSlotValueIsNeverFound() throws Exception {
        IntentDefinition d = definition("{\"intents\":[{\"name\":\"book\",\"keywords\":[\"book\"]}],"
                + "\"slots\":{\"service\":{\"values\":[\"\",\" \",\"spa\"]}}}");
        assertEquals(Map.of(), Classifier.classify(d, "book it , please!").slots());
        assertEquals(Map.of("service", "spa"), Classifier.classify(d, "book the spa!").slots());
    }

    @Test
    void anInvalidDefinitionListsEveryProblem() {
        IntentDefinition.Invalid invalid = assertThrows(IntentDefinition.Invalid.class, () -> definition(
                "{\"threshold\":2,\"intents\":[{\"name\":\"Bad Name\"},{\"name\":\"ok\"},"
                        + "{\"name\":\"rx\",\"patterns\":[\"(unclosed\"]},{\"name\":\"ok\",\"keywords\":[\"x\"]}],"
                        + "\"slots\":{\"day\":{}}}"));
        assertEquals(7, invalid.problems().size(), invalid.problems().toString());
        assertTrue(invalid.getMessage().contains("threshold"));
        assertTrue(invalid.getMessage().contains("does not compile"));
        assertTrue(invalid.getMessage().contains("duplicate intent 'ok'"));
    }
}

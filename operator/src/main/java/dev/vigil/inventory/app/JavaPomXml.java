package dev.vigil.inventory.app;

import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The coordinates a packaged pom.xml declares (META-INF/maven/&lt;g&gt;/&lt;a&gt;/pom.xml), read
 * with StAX, DTDs and external entities off: the file comes from an untrusted image. groupId and
 * version fall back to the parent's, as Maven's own inheritance does.
 */
record JavaPomXml(String groupId, String artifactId, String version) {

  private static final XMLInputFactory FACTORY = newFactory();

  private static XMLInputFactory newFactory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    return f;
  }

  /** The declared coordinates, or null when the document is not a readable POM. */
  static JavaPomXml parse(byte[] bytes) {
    String groupId = null;
    String artifactId = null;
    String version = null;
    String parentGroupId = null;
    String parentVersion = null;
    Deque<String> stack = new ArrayDeque<>();
    XMLStreamReader r = null;
    try {
      r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(bytes));
      while (r.hasNext()) {
        int ev = r.next();
        if (ev == XMLStreamReader.START_ELEMENT) {
          String name = r.getLocalName();
          String at = String.join("/", stack) + "/" + name;
          stack.addLast(name);
          switch (at) {
            case "project/groupId" -> groupId = text(r, stack);
            case "project/artifactId" -> artifactId = text(r, stack);
            case "project/version" -> version = text(r, stack);
            case "project/parent/groupId" -> parentGroupId = text(r, stack);
            case "project/parent/version" -> parentVersion = text(r, stack);
            default -> { }
          }
        } else if (ev == XMLStreamReader.END_ELEMENT) {
          stack.pollLast();
        }
      }
    } catch (XMLStreamException | RuntimeException e) {
      return null;
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException ignored) {
          // nothing held open: the input is a byte array
        }
      }
    }
    return new JavaPomXml(
        groupId != null ? groupId : parentGroupId,
        artifactId,
        version != null ? version : parentVersion);
  }

  private static String text(XMLStreamReader r, Deque<String> stack) throws XMLStreamException {
    String t = r.getElementText().trim();
    stack.pollLast(); // getElementText consumed the END_ELEMENT
    return t;
  }
}

// Prints, for each secret given, the HMAC key and an access token as a DeviceHive Java server
// derives and signs them (jjwt 0.7.0 reading the secret through JAXB's DatatypeConverter), one
// TypeScript table row per secret. The rows in libs/devicehive/src/auth/jwt-key.spec.ts come from
// here; see tools/jwt-vectors/README.md for how to run it.
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.SignatureAlgorithm;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

public class ReferenceJwtVectors {
  static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) s.append(String.format("%02x", b));
    return s.toString();
  }

  static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  public static void main(String[] secrets) {
    for (String secret : secrets) {
      String key;
      try {
        key = hex(javax.xml.bind.DatatypeConverter.parseBase64Binary(secret));
      } catch (RuntimeException e) {
        key = "!" + e.getClass().getSimpleName();
      }
      String token;
      try {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("u", 1);
        payload.put("a", Arrays.asList(0));
        payload.put("n", Arrays.asList("*"));
        payload.put("dt", Arrays.asList("*"));
        payload.put("e", 4102444800000L);
        payload.put("t", 1);
        Map<String, Object> claims = new HashMap<>();
        claims.put("payload", payload);
        token = Jwts.builder()
            .setClaims(Jwts.claims(claims))
            .signWith(SignatureAlgorithm.HS256, secret)
            .compact();
      } catch (RuntimeException e) {
        token = "!" + e.getClass().getSimpleName();
      }
      System.out.println("[" + quote(secret) + ", " + quote(key) + ", " + quote(token) + "],");
    }
  }
}

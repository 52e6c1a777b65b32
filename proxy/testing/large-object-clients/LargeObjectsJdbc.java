import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * pgjdbc's LargeObjectManager (the Fastpath API, so the protocol's FunctionCall) through a given URL.
 * Prints "oid read tell truncated"; exits non-zero on any error.
 * Usage: java -cp postgresql.jar LargeObjectsJdbc.java JDBC_URL USER PASSWORD
 */
public class LargeObjectsJdbc {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", args[1]);
    props.setProperty("password", args[2]);
    try (Connection conn = DriverManager.getConnection(args[0], props)) {
      conn.setAutoCommit(false);
      LargeObjectManager lom = conn.unwrap(PGConnection.class).getLargeObjectAPI();
      long oid = lom.createLO(LargeObjectManager.READWRITE);
      LargeObject obj = lom.open(oid, LargeObjectManager.WRITE);
      obj.write("pgjdbc large object through Warden".getBytes("UTF-8"));
      obj.close();
      conn.commit();

      obj = lom.open(oid, LargeObjectManager.READWRITE);
      String read = new String(obj.read(obj.size()), "UTF-8");
      obj.seek64(7, LargeObject.SEEK_SET);
      long tell = obj.tell64();
      obj.truncate64(6);
      obj.close();
      conn.commit();

      obj = lom.open(oid, LargeObjectManager.READ);
      String truncated = new String(obj.read(100), "UTF-8");
      obj.close();
      lom.delete(oid);
      conn.commit();
      System.out.println(oid + "|" + read + "|" + tell + "|" + truncated);
    }
  }
}

import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyManager;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;
import org.postgresql.util.PGobject;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The client matrix's cases for pgjdbc (Debian's libpostgresql-jdbc-java), as applications and
 * DBeaver call it. Run with the JDK's source launcher:
 * java -cp /usr/share/java/postgresql.jar Cases.java '{"host":…,"port":…,"user":…,"password":…,"database":…}'
 * Prints one JSON line per case: {case, ok, detail, trace, ms}. Each case runs on its own connections
 * with a deadline, so one that hangs is reported and the rest still run.
 */
public class Cases {
  interface Case {
    Object run() throws Exception;
  }

  static String host, user, password, database;
  static int port;

  public static void main(String[] args) throws Exception {
    Map<String, String> target = parseFlatJson(args[0]);
    host = target.get("host");
    port = Integer.parseInt(target.get("port"));
    user = target.get("user");
    password = target.get("password");
    database = target.get("database");

    Map<String, Case> cases = new LinkedHashMap<>();
    cases.put("connect_plain", Cases::connectPlain);
    cases.put("connect_tls", Cases::connectTls);
    cases.put("multi_statement", Cases::multiStatement);
    cases.put("empty_query", Cases::emptyQuery);
    cases.put("params_text", Cases::paramsText);
    cases.put("params_binary", Cases::paramsBinary);
    cases.put("named_statement_reuse", Cases::namedStatementReuse);
    cases.put("pipeline", Cases::pipeline);
    cases.put("savepoints", Cases::savepoints);
    cases.put("error_recovery", Cases::errorRecovery);
    cases.put("syntax_error_position", Cases::syntaxErrorPosition);
    cases.put("copy_in_out", Cases::copyInOut);
    cases.put("listen_notify", Cases::listenNotify);
    cases.put("cancel_sleep", Cases::cancelSleep);
    cases.put("rows_200k", Cases::rows200k);
    cases.put("cursor", Cases::cursor);
    cases.put("large_objects", Cases::largeObjects);
    cases.put("startup_options", Cases::startupOptions);
    cases.put("jdbc_metadata", Cases::jdbcMetadata);

    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    });
    for (Map.Entry<String, Case> e : cases.entrySet()) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("case", e.getKey());
      long started = System.currentTimeMillis();
      Future<Object> f = pool.submit((Callable<Object>) () -> e.getValue().run());
      try {
        Object detail = f.get(30, TimeUnit.SECONDS);
        line.put("ok", true);
        line.put("detail", detail);
      } catch (TimeoutException t) {
        f.cancel(true);
        line.put("ok", false);
        line.put("detail", Map.of("error", "no outcome within 30 s"));
      } catch (java.util.concurrent.ExecutionException x) {
        Throwable cause = x.getCause();
        line.put("ok", false);
        line.put("detail", errorDetail(cause));
        StringWriter trace = new StringWriter();
        cause.printStackTrace(new java.io.PrintWriter(trace));
        line.put("trace", trace.toString());
      }
      line.put("ms", System.currentTimeMillis() - started);
      System.out.println(toJson(line));
      System.out.flush();
    }
    System.exit(0);
  }

  // --- connections -------------------------------------------------------------------------

  static Connection connect(String query) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    String url = "jdbc:postgresql://" + host + ":" + port + "/" + database + "?" + query;
    return DriverManager.getConnection(url, p);
  }

  static Connection connect() throws SQLException {
    return connect("sslmode=disable");
  }

  static List<List<Object>> rows(ResultSet rs) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    int n = rs.getMetaData().getColumnCount();
    while (rs.next()) {
      List<Object> row = new ArrayList<>();
      for (int i = 1; i <= n; i++) row.add(plain(rs.getObject(i)));
      out.add(row);
    }
    return out;
  }

  static List<List<Object>> query(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rows(rs);
    }
  }

  /** What a JDBC application sees of an error: SQLSTATE, message, position and hint. */
  static Map<String, Object> errorDetail(Throwable t) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("type", t.getClass().getSimpleName());
    d.put("message", t.getMessage());
    if (t instanceof SQLException) d.put("code", ((SQLException) t).getSQLState());
    if (t instanceof PSQLException) {
      ServerErrorMessage m = ((PSQLException) t).getServerErrorMessage();
      if (m != null) {
        d.put("position", m.getPosition());
        d.put("hint", m.getHint());
      }
    }
    return d;
  }

  interface Action {
    void run() throws Exception;
  }

  static Map<String, Object> caught(Action a) {
    try {
      a.run();
    } catch (Exception e) {
      return errorDetail(e);
    }
    return Map.of("code", "no error");
  }

  // --- cases -------------------------------------------------------------------------------

  static Object connectPlain() throws Exception {
    try (Connection c = connect()) {
      return query(c, "select 1");
    }
  }

  /** sslmode=require: the driver refuses to go on without TLS. */
  static Object connectTls() throws Exception {
    try (Connection c = connect("sslmode=require")) {
      return query(c, "select 1");
    }
  }

  static Object multiStatement() throws Exception {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      List<Object> results = new ArrayList<>();
      boolean isResultSet = st.execute("select 1; create temp table m (x int); insert into m values (1), (2); select count(*) from m");
      while (true) {
        if (isResultSet) {
          try (ResultSet rs = st.getResultSet()) {
            results.add(rows(rs));
          }
        } else {
          int count = st.getUpdateCount();
          if (count == -1) break;
          results.add(count);
        }
        isResultSet = st.getMoreResults();
      }
      return results;
    }
  }

  static Object emptyQuery() throws Exception {
    try (Connection c = connect()) {
      Map<String, Object> d = new LinkedHashMap<>();
      try (Statement st = c.createStatement()) {
        d.put("simple", List.of(st.execute(""), st.getUpdateCount()));
      }
      try (PreparedStatement ps = c.prepareStatement("")) {
        d.put("prepared", List.of(ps.execute(), ps.getUpdateCount()));
      }
      d.put("after", query(c, "select 1"));
      return d;
    }
  }

  static final String PARAMS_SQL =
      "select ?::int, ?::numeric, ?::text, ?::bytea, ?::timestamptz, ?::json, ?::uuid, ?::int[], ?::text[], ?::int8";

  static List<Object> runParams(Connection c, int times) throws SQLException {
    List<Object> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PARAMS_SQL)) {
      for (int i = 0; i < times; i++) {
        ps.setInt(1, 42);
        ps.setBigDecimal(2, new BigDecimal("12345.678900"));
        ps.setString(3, "héllo, wörld");
        ps.setBytes(4, new byte[] {0, 1, 2, (byte) 254, (byte) 255});
        ps.setObject(5, OffsetDateTime.of(2024, 5, 6, 7, 8, 9, 123_000_000, ZoneOffset.UTC));
        PGobject json = new PGobject();
        json.setType("json");
        json.setValue("{\"a\": [1, 2], \"b\": \"x\"}");
        ps.setObject(6, json);
        ps.setObject(7, UUID.fromString("6f1c2b0e-4a7e-4c43-9b0e-8a0f8f0b7c1d"));
        ps.setArray(8, c.createArrayOf("int4", new Integer[] {1, 2, 3}));
        ps.setArray(9, c.createArrayOf("text", new String[] {"a", "b c", null}));
        ps.setLong(10, 9007199254740993L);
        try (ResultSet rs = ps.executeQuery()) {
          out.add(rows(rs));
        }
      }
    }
    return out;
  }

  static Object paramsText() throws Exception {
    try (Connection c = connect("sslmode=disable&prepareThreshold=0")) {
      return runParams(c, 1);
    }
  }

  /** prepareThreshold=-1 prepares at once and transfers results in binary. */
  static Object paramsBinary() throws Exception {
    try (Connection c = connect("sslmode=disable&prepareThreshold=-1&binaryTransfer=true")) {
      return runParams(c, 3);
    }
  }

  /** After prepareThreshold (5) executions pgjdbc names the statement on the server and reuses it. */
  static Object namedStatementReuse() throws Exception {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("select ?::int * 2"); PreparedStatement plus = c.prepareStatement("select ?::int + 1")) {
      long sum = 0;
      for (int i = 0; i < 50; i++) {
        ps.setInt(1, i);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          sum += rs.getInt(1);
        }
        if (i % 10 == 0) {
          plus.setInt(1, i);
          try (ResultSet rs = plus.executeQuery()) {
            rs.next();
            sum += rs.getInt(1);
          }
        }
      }
      return Map.of("sum", sum, "serverPrepared", ps.unwrap(PGStatement.class).isUseServerPrepare());
    }
  }

  /** executeBatch sends every Bind/Execute before one Sync. */
  static Object pipeline() throws Exception {
    try (Connection c = connect()) {
      try (Statement st = c.createStatement()) {
        st.execute("create temp table p (x int)");
      }
      Map<String, Object> d = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("insert into p values (?)")) {
        for (int i = 0; i < 200; i++) {
          ps.setInt(1, i);
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        d.put("batch", counts.length);
      }
      try (PreparedStatement ps = c.prepareStatement("insert into p values (10 / ?)")) {
        for (int v : new int[] {1, 0, 2}) {
          ps.setInt(1, v);
          ps.addBatch();
        }
        try {
          ps.executeBatch();
          d.put("failed", "no error");
        } catch (BatchUpdateException e) {
          d.put("failed", List.of(e.getSQLState(), e.getUpdateCounts().length));
        }
      }
      d.put("after", query(c, "select count(*), sum(x) from p"));
      return d;
    }
  }

  static Object savepoints() throws Exception {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute("create temp table s (x int)");
      c.setAutoCommit(false);
      st.execute("insert into s values (1)");
      Savepoint a = c.setSavepoint("a");
      st.execute("insert into s values (2)");
      Map<String, Object> failed = caught(() -> st.execute("insert into s values ('two')"));
      c.rollback(a);
      st.execute("insert into s values (3)");
      c.releaseSavepoint(a);
      c.commit();
      st.execute("insert into s values (4)");
      c.rollback();
      return Map.of("failed", failed, "rows", query(c, "select x from s order by x"));
    }
  }

  static Object errorRecovery() throws Exception {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("missing", caught(() -> st.executeQuery("select * from nope")));
      d.put("after", query(c, "select 1"));
      c.setAutoCommit(false);
      d.put("division", caught(() -> st.executeQuery("select 1 / 0")));
      d.put("aborted", caught(() -> st.executeQuery("select 1")));
      c.rollback();
      try (PreparedStatement ps = c.prepareStatement("select ?::text::int")) {
        ps.setString(1, "not a number");
        d.put("badParam", caught(ps::executeQuery));
      }
      c.rollback();
      d.put("afterAll", query(c, "select 2"));
      return d;
    }
  }

  static Object syntaxErrorPosition() throws Exception {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("statement", caught(() -> st.executeQuery("selec 1")));
      d.put("endOfInput", caught(() -> st.executeQuery("select 1 +")));
      try (PreparedStatement ps = c.prepareStatement("select 1 from items whre id = ?")) {
        ps.setInt(1, 1);
        d.put("prepared", caught(ps::executeQuery));
      }
      try (PreparedStatement ps = c.prepareStatement("selec ?")) {
        ps.setInt(1, 1);
        d.put("preparedUnparsable", caught(ps::executeQuery));
      }
      d.put("after", query(c, "select 1"));
      return d;
    }
  }

  static Object copyInOut() throws Exception {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute("create temp table c (id int, name text)");
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      long in = copy.copyIn("copy c from stdin", new StringReader("1\tAnn\n2\tB\\tob\n3\t\\N\n"));
      StringWriter out = new StringWriter();
      long outCount = copy.copyOut("copy (select * from c order by id) to stdout with (format csv)", out);
      return Map.of("in", in, "out", outCount, "data", out.toString(), "after", query(c, "select count(*) from c"));
    }
  }

  static Object listenNotify() throws Exception {
    try (Connection c = connect(); Connection other = connect(); Statement st = c.createStatement(); Statement ost = other.createStatement()) {
      st.execute("listen matrix_channel");
      st.execute("notify matrix_channel, 'from myself'");
      ost.execute("notify matrix_channel, 'from another session'");
      PGConnection pg = c.unwrap(PGConnection.class);
      List<PGNotification> received = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 5000;
      while (received.size() < 2 && System.currentTimeMillis() < deadline) {
        PGNotification[] batch = pg.getNotifications(200);
        if (batch != null) received.addAll(List.of(batch));
      }
      List<Object> payloads = new ArrayList<>();
      for (PGNotification n : received) payloads.add(List.of(n.getName(), n.getParameter()));
      int ownPid = pg.getBackendPID(); // the pid from BackendKeyData
      return Map.of(
          "payloads", payloads,
          "ownPidIsBackendKeyData", received.size() > 0 && received.get(0).getPID() == ownPid,
          "otherPidDiffers", received.size() > 1 && received.get(1).getPID() != ownPid);
    }
  }

  static Object cancelSleep() throws Exception {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      Thread canceller = new Thread(() -> {
        try {
          Thread.sleep(300);
          st.cancel();
        } catch (Exception ignored) {
          // the case's outcome shows whether the statement was canceled
        }
      });
      canceller.start();
      long started = System.currentTimeMillis();
      Map<String, Object> outcome = caught(() -> st.executeQuery("select pg_sleep(30)"));
      boolean within = System.currentTimeMillis() - started < 5300;
      return Map.of("outcome", outcome, "within5s", within, "after", query(c, "select 1"));
    }
  }

  /** Digits of md5 turned into letters, so the default policy's card-number detector finds nothing to mask. */
  static final String ROWS_200K = "select g, translate(md5(g::text), '0123456789', 'ghijklmnop') as h from generate_series(1, 200000) g";

  static Object rows200k() throws Exception {
    try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(ROWS_200K)) {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      long count = 0;
      while (rs.next()) {
        count++;
        sha.update((rs.getInt(1) + "\t" + rs.getString(2) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      StringBuilder hex = new StringBuilder();
      for (byte b : sha.digest()) hex.append(String.format("%02x", b));
      return Map.of("rows", count, "sha256", hex.toString());
    }
  }

  /** With autocommit off and a fetch size, pgjdbc reads a portal 1,000 rows at a time (Execute with a row limit). */
  static Object cursor() throws Exception {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      long count = 0, sum = 0;
      try (PreparedStatement ps = c.prepareStatement("select g from generate_series(1, 5500) g where g > ?")) {
        ps.setFetchSize(1000);
        ps.setInt(1, 0);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            count++;
            sum += rs.getInt(1);
          }
        }
      }
      try (Statement st = c.createStatement()) {
        st.execute("declare matrix_cursor cursor for select g from generate_series(1, 25) g");
      }
      List<Object> pages = new ArrayList<>();
      while (true) {
        List<List<Object>> page = query(c, "fetch 10 from matrix_cursor");
        if (page.isEmpty()) break;
        pages.add(page.size());
      }
      c.commit();
      return Map.of("rows", count, "sum", sum, "pages", pages);
    }
  }

  /** LargeObjectManager calls lo_creat, lo_open, lowrite… with the FunctionCall message. */
  static Object largeObjects() throws Exception {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      LargeObjectManager lom = c.unwrap(PGConnection.class).getLargeObjectAPI();
      long oid = lom.createLO(LargeObjectManager.READWRITE);
      LargeObject lo = lom.open(oid, LargeObjectManager.READWRITE);
      lo.write("large object body".getBytes(StandardCharsets.UTF_8));
      lo.seek(0, LargeObject.SEEK_END);
      lo.write(", appended".getBytes(StandardCharsets.UTF_8));
      lo.seek(0);
      String body = new String(lo.read(100), StandardCharsets.UTF_8);
      int size = lo.size();
      lo.truncate(5);
      lo.close();
      c.commit();
      lo = lom.open(oid, LargeObjectManager.READ);
      String truncated = new String(lo.read(100), StandardCharsets.UTF_8);
      lo.close();
      lom.delete(oid);
      c.commit();
      return Map.of("body", body, "size", size, "truncated", truncated);
    }
  }

  static Object startupOptions() throws Exception {
    String options = java.net.URLEncoder.encode("-c search_path=app,public -c statement_timeout=5000", StandardCharsets.UTF_8);
    try (Connection c = connect("sslmode=disable&ApplicationName=matrix-pgjdbc&options=" + options); Statement st = c.createStatement()) {
      Map<String, Object> d = new LinkedHashMap<>();
      for (String name : new String[] {"search_path", "statement_timeout", "application_name", "DateStyle", "TimeZone", "extra_float_digits"}) {
        d.put(name, query(c, "show " + name).get(0).get(0));
      }
      d.put("notes", query(c, "select to_regclass('notes')::text").get(0).get(0)); // app.notes only via the search path
      return d;
    }
  }

  /** DatabaseMetaData as DBeaver's generic navigator calls it: schemas, tables, columns, keys, indexes. */
  static Object jdbcMetadata() throws Exception {
    try (Connection c = connect()) {
      DatabaseMetaData md = c.getMetaData();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("product", md.getDatabaseProductName());
      d.put("schemas", columns(md.getSchemas(), "TABLE_SCHEM"));
      d.put("tableTypes", columns(md.getTableTypes(), "TABLE_TYPE"));
      d.put("tables", columns(md.getTables(null, null, "%", new String[] {"TABLE", "VIEW"}), "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE"));
      d.put("columns", columns(md.getColumns(null, "public", "items", "%"), "COLUMN_NAME", "TYPE_NAME", "DATA_TYPE", "COLUMN_SIZE", "DECIMAL_DIGITS", "IS_NULLABLE", "COLUMN_DEF", "ORDINAL_POSITION"));
      d.put("appColumns", columns(md.getColumns(null, "app", "notes", "%"), "COLUMN_NAME", "TYPE_NAME", "IS_AUTOINCREMENT"));
      d.put("primaryKeys", columns(md.getPrimaryKeys(null, "public", "items"), "COLUMN_NAME", "KEY_SEQ", "PK_NAME"));
      d.put("importedKeys", columns(md.getImportedKeys(null, "public", "items"), "FKCOLUMN_NAME"));
      d.put("indexes", columns(md.getIndexInfo(null, "public", "items", false, true), "INDEX_NAME", "NON_UNIQUE", "COLUMN_NAME"));
      return d;
    }
  }

  static List<List<Object>> columns(ResultSet rs, String... names) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (String n : names) row.add(plain(rs.getObject(n)));
        out.add(row);
      }
    }
    return out;
  }

  // --- JSON --------------------------------------------------------------------------------

  static Object plain(Object v) throws SQLException {
    if (v instanceof Array) {
      List<Object> items = new ArrayList<>();
      for (Object o : (Object[]) ((Array) v).getArray()) items.add(plain(o));
      return items;
    }
    if (v instanceof byte[]) {
      StringBuilder sb = new StringBuilder("\\x");
      for (byte b : (byte[]) v) sb.append(String.format("%02x", b));
      return sb.toString();
    }
    if (v instanceof PGobject) return ((PGobject) v).getType() + ":" + ((PGobject) v).getValue();
    if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) return v;
    return v.getClass().getSimpleName() + ":" + v;
  }

  static String toJson(Object v) {
    if (v == null) return "null";
    if (v instanceof String) return quote((String) v);
    if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short) return v.toString();
    if (v instanceof Number) return quote(v.toString());
    if (v instanceof Map) {
      StringBuilder sb = new StringBuilder("{");
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (sb.length() > 1) sb.append(',');
        sb.append(quote(String.valueOf(e.getKey()))).append(':').append(toJson(e.getValue()));
      }
      return sb.append('}').toString();
    }
    if (v instanceof List) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : (List<?>) v) {
        if (sb.length() > 1) sb.append(',');
        sb.append(toJson(o));
      }
      return sb.append(']').toString();
    }
    return quote(v.toString());
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      if (ch == '"' || ch == '\\') sb.append('\\').append(ch);
      else if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
      else sb.append(ch);
    }
    return sb.append('"').toString();
  }

  /** The target: one flat JSON object of strings and numbers, as the test writes it. */
  static Map<String, String> parseFlatJson(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|(-?\\d+))").matcher(json);
    while (m.find()) out.put(m.group(1), m.group(3) != null ? m.group(3).replaceAll("\\\\(.)", "$1") : m.group(4));
    return out;
  }
}

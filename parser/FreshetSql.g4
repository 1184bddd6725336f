// Freshet's SQL dialect: PostgreSQL syntax plus the streaming extensions of DESIGN.md §2
// (sources, watermarks, window TVFs, EMIT ON WINDOW CLOSE, SUBSCRIBE). Written for ANTLR 4.7.2
// (tool) and the 4.9 C++ runtime. parser/ast_builder.cc turns the parse tree into parser/ast.h.
//
// Shape rules that keep SLL prediction cheap: boolean/predicate operators live in the
// left-recursive `expr`, arithmetic and "other" operators in the left-recursive `bExpr` (the
// operand rule for BETWEEN bounds, LIKE patterns and DEFAULT values), primaries are inlined into
// `bExpr`. Keywords are case-insensitive; the four keyword categories mirror PostgreSQL's
// (unreserved, column-name, type/function-name, reserved) and decide where a keyword may serve as
// an identifier.
grammar FreshetSql;

@lexer::members {
  /// Called after an opening dollar-quote tag: consumes the body and the closing tag (the token
  /// then spans the whole dollar-quoted string). Without a closing tag the token becomes an
  /// UNTERMINATED_STRING (its text starts with the dollar sign).
  void consumeDollarBody() {
    const size_t len = _input->index() - tokenStartCharIndex;
    std::vector<size_t> tag(len);
    for (size_t i = 0; i < len; ++i) tag[i] = _input->LA(-static_cast<ssize_t>(len - i));
    auto* sim = getInterpreter<antlr4::atn::LexerATNSimulator>();
    for (;;) {
      const size_t c = _input->LA(1);
      if (c == antlr4::Token::EOF) {
        setType(UNTERMINATED_STRING);
        return;
      }
      if (c == '$') {
        bool match = true;
        for (size_t i = 1; i < len && match; ++i) {
          match = _input->LA(static_cast<ssize_t>(i + 1)) == tag[i];
        }
        if (match) {
          for (size_t i = 0; i < len; ++i) sim->consume(_input);
          return;
        }
      }
      sim->consume(_input);
    }
  }

  /// Called after an opening slash-star: consumes a (nested) block comment and skips it; an
  /// unterminated one becomes an UNTERMINATED_STRING token whose text starts with slash-star.
  void consumeBlockComment() {
    auto* sim = getInterpreter<antlr4::atn::LexerATNSimulator>();
    int depth = 1;
    for (;;) {
      const size_t c = _input->LA(1);
      if (c == antlr4::Token::EOF) {
        setType(UNTERMINATED_STRING);
        return;
      }
      if (c == '*' && _input->LA(2) == '/') {
        sim->consume(_input);
        sim->consume(_input);
        if (--depth == 0) {
          skip();
          return;
        }
        continue;
      }
      if (c == '/' && _input->LA(2) == '*') {
        sim->consume(_input);
        sim->consume(_input);
        ++depth;
        continue;
      }
      sim->consume(_input);
    }
  }
}

// =============================================================================================
// Statements

script
  : statement? (SEMI statement?)* EOF
  ;

singleExpression
  : expr EOF
  ;

// The query alternative is inlined (no queryStatement level): SELECT is the hot path. It holds
// INSERT / UPDATE / DELETE too, so that a leading WITH is parsed once whatever follows it.
statement
  : query emitClause?
  | mergeStatement
  | createTableStatement
  | createSourceStatement
  | createViewStatement
  | createSinkStatement
  | createIndexStatement
  | dropStatement
  | alterTableStatement
  | truncateStatement
  | transactionStatement
  | setStatement
  | showStatement
  | resetStatement
  | explainStatement
  | copyStatement
  | subscribeStatement
  | prepareStatement
  | executeStatement
  | deallocateStatement
  | discardStatement
  ;

emitClause
  : EMIT ON WINDOW CLOSE
  ;

// ---- DML

insertStatement
  : INSERT INTO qualifiedName (AS identifier)? (LPAREN identifierList RPAREN)?
    (DEFAULT VALUES | query) onConflictClause? returningClause?
  ;

onConflictClause
  : ON CONFLICT (LPAREN identifierList RPAREN | ON CONSTRAINT identifier)? DO
    (NOTHING | UPDATE SET setClause (COMMA setClause)* whereClause?)
  ;

setClause
  : identifier EQ (DEFAULT | expr)
  | LPAREN identifierList RPAREN EQ expr
  ;

returningClause
  : RETURNING selectItem (COMMA selectItem)*
  ;

updateStatement
  : UPDATE ONLY? qualifiedName (AS? identifier)? SET setClause (COMMA setClause)*
    fromClause? whereClause? returningClause?
  ;

deleteStatement
  : DELETE FROM ONLY? qualifiedName (AS? identifier)? (USING fromItem (COMMA fromItem)*)?
    whereClause? returningClause?
  ;

mergeStatement
  : MERGE INTO ONLY? qualifiedName (AS? identifier)? USING fromItem ON expr mergeWhenClause+
  ;

mergeWhenClause
  : WHEN MATCHED (AND expr)? THEN
    (UPDATE SET setClause (COMMA setClause)* | DELETE | DO NOTHING)            # mergeWhenMatched
  | WHEN NOT MATCHED (AND expr)? THEN
    (INSERT (LPAREN identifierList RPAREN)?
       (VALUES LPAREN mergeValue (COMMA mergeValue)* RPAREN | DEFAULT VALUES)
     | DO NOTHING)                                                              # mergeWhenNotMatched
  ;

mergeValue
  : DEFAULT | expr
  ;

// ---- DDL

createTableStatement
  : CREATE (TEMP | TEMPORARY)? TABLE (IF NOT EXISTS)? qualifiedName
    ( LPAREN tableElement (COMMA tableElement)* RPAREN includeClause* withOptions? formatClause?
    | withOptions? AS query
    )
  ;

createSourceStatement
  : CREATE SOURCE (IF NOT EXISTS)? qualifiedName
    (LPAREN tableElement (COMMA tableElement)* RPAREN)? includeClause* withOptions? formatClause?
  ;

// A connector's metadata as a column: INCLUDE partition | offset | timestamp | key | header(s)
// [AS name].
includeClause
  : INCLUDE colLabel (AS identifier)?
  ;

// How a connector's records are framed and encoded: FORMAT PLAIN | UPSERT | DEBEZIUM
// ENCODE JSON | CSV [(options)].
formatClause
  : FORMAT identifier ENCODE identifier (LPAREN withOption (COMMA withOption)* RPAREN)?
  ;

createViewStatement
  : CREATE (OR REPLACE)? (TEMP | TEMPORARY)? MATERIALIZED? VIEW (IF NOT EXISTS)? qualifiedName
    (LPAREN identifierList RPAREN)? withOptions? AS query emitClause?
  ;

createSinkStatement
  : CREATE SINK (IF NOT EXISTS)? qualifiedName (FROM qualifiedName | AS query) withOptions?
    formatClause?
  ;

createIndexStatement
  : CREATE UNIQUE? INDEX (IF NOT EXISTS)? identifier? ON qualifiedName (USING identifier)?
    LPAREN indexElement (COMMA indexElement)* RPAREN
  ;

indexElement
  : bExpr (ASC | DESC)? (NULLS (FIRST | LAST))?
  ;

tableElement
  : columnDef
  | tableConstraint
  | watermarkDef
  ;

columnDef
  : identifier typeName columnConstraint*
  ;

columnConstraint
  : (CONSTRAINT identifier)?
    ( NOT NULL_
    | NULL_
    | PRIMARY KEY
    | UNIQUE
    | DEFAULT bExpr
    | CHECK LPAREN expr RPAREN
    | REFERENCES qualifiedName (LPAREN identifierList RPAREN)?
    )
  | COLLATE anyName
  ;

tableConstraint
  : (CONSTRAINT identifier)?
    ( PRIMARY KEY LPAREN identifierList RPAREN
    | UNIQUE LPAREN identifierList RPAREN
    | CHECK LPAREN expr RPAREN
    | FOREIGN KEY LPAREN identifierList RPAREN REFERENCES qualifiedName
      (LPAREN identifierList RPAREN)?
    )
  ;

watermarkDef
  : WATERMARK FOR identifier AS expr
  ;

withOptions
  : WITH LPAREN withOption (COMMA withOption)* RPAREN
  ;

withOption
  : optionKey (EQ optionValue)?
  ;

optionKey
  : colLabel (DOT colLabel)*
  | STRING
  ;

optionValue
  : stringConst
  | signedNumber
  | colLabel (DOT colLabel)*
  ;

dropStatement
  : DROP objectKind (IF EXISTS)? qualifiedName (COMMA qualifiedName)* (CASCADE | RESTRICT)?
  ;

objectKind
  : TABLE
  | VIEW
  | MATERIALIZED VIEW
  | INDEX
  | SOURCE
  | SINK
  | SCHEMA
  ;

alterTableStatement
  : ALTER TABLE (IF EXISTS)? qualifiedName alterTableAction
  ;

alterTableAction
  : ADD COLUMN? (IF NOT EXISTS)? columnDef                        # alterAddColumn
  | DROP COLUMN? (IF EXISTS)? identifier (CASCADE | RESTRICT)?    # alterDropColumn
  | RENAME COLUMN? identifier TO identifier                       # alterRenameColumn
  | RENAME TO identifier                                          # alterRenameTable
  ;

truncateStatement
  : TRUNCATE TABLE? qualifiedName (COMMA qualifiedName)* (CASCADE | RESTRICT)?
  ;

// ---- Transactions, session

transactionStatement
  : BEGIN (WORK | TRANSACTION)? transactionModeList?              # txnBegin
  | START TRANSACTION transactionModeList?                        # txnBegin
  | (COMMIT | END) (WORK | TRANSACTION)? (AND NO? CHAIN)?         # txnCommit
  | (ROLLBACK | ABORT) (WORK | TRANSACTION)? (AND NO? CHAIN)?     # txnRollback
  | ROLLBACK (WORK | TRANSACTION)? TO SAVEPOINT? identifier       # txnRollbackTo
  | SAVEPOINT identifier                                          # txnSavepoint
  | RELEASE SAVEPOINT? identifier                                 # txnRelease
  ;

transactionModeList
  : transactionMode (COMMA? transactionMode)*
  ;

transactionMode
  : ISOLATION LEVEL (READ UNCOMMITTED | READ COMMITTED | REPEATABLE READ | SERIALIZABLE)
  | READ (ONLY | WRITE)
  | NOT? DEFERRABLE
  ;

setStatement
  : SET (SESSION | LOCAL)? setRest
  ;

setRest
  : TIME ZONE timeZoneValue                                       # setTimeZone
  | NAMES stringConst?                                            # setNames
  | CHARACTERISTICS AS TRANSACTION transactionModeList            # setCharacteristics
  | TRANSACTION transactionModeList                               # setTransaction
  | varName (TO | EQ) (DEFAULT | varValue (COMMA varValue)*)      # setVariable
  ;

timeZoneValue
  : LOCAL
  | DEFAULT
  | INTERVAL stringConst intervalQualifier?
  | stringConst
  | signedNumber
  | identifier
  ;

varName
  : identifier (DOT identifier)*
  ;

varValue
  : stringConst
  | signedNumber
  | identifier
  | ON
  | TRUE_
  | FALSE_
  | NULL_
  ;

showStatement
  : SHOW ALL                                                      # showAll
  | SHOW TIME ZONE                                                # showTimeZone
  | SHOW TRANSACTION ISOLATION LEVEL                              # showIsolation
  | SHOW CREATE objectKind qualifiedName                          # showCreate
  | SHOW MATERIALIZED VIEWS                                       # showMaterializedViews
  | SHOW varName                                                  # showVariable
  ;

resetStatement
  : RESET (ALL | TIME ZONE | varName)
  ;

explainStatement
  : EXPLAIN (LPAREN explainOption (COMMA explainOption)* RPAREN | (ANALYZE | ANALYSE)? VERBOSE?)
    statement
  ;

explainOption
  : (identifier | ANALYZE | ANALYSE | VERBOSE) (optionValue | ON)?
  ;

copyStatement
  : COPY qualifiedName (LPAREN identifierList RPAREN)? (FROM STDIN | TO STDOUT) copyOptions?
  | COPY LPAREN (query | SUBSCRIBE TO? subscribeTarget) RPAREN TO STDOUT copyOptions?
  ;

copyOptions
  : WITH? LPAREN copyOption (COMMA copyOption)* RPAREN
  | WITH? copyLegacyOption+
  ;

copyOption
  : colLabel (optionValue | ON)?
  ;

copyLegacyOption
  : BINARY
  | CSV
  | HEADER
  | DELIMITER AS? stringConst
  | NULL_ AS? stringConst
  | QUOTE AS? stringConst
  | ESCAPE AS? stringConst
  | ENCODING stringConst
  ;

subscribeStatement
  : SUBSCRIBE TO? subscribeTarget
  ;

subscribeTarget
  : qualifiedName
  | LPAREN query RPAREN
  ;

prepareStatement
  : PREPARE identifier (LPAREN typeName (COMMA typeName)* RPAREN)? AS statement
  ;

executeStatement
  : EXECUTE identifier (LPAREN expr (COMMA expr)* RPAREN)?
  ;

deallocateStatement
  : DEALLOCATE PREPARE? (identifier | ALL)
  ;

discardStatement
  : DISCARD ALL
  ;

// =============================================================================================
// Queries

// Set operations are a flat list; ast_builder applies SQL precedence (INTERSECT binds tighter
// than UNION / EXCEPT, all left-associative).
// A data-modifying statement is a query here only so that WITH is parsed once (no prediction
// has to look past a WITH list to choose): ast_builder accepts it as a statement and as a WITH
// query, and refuses it as a subquery (42601).
query
  : withClause?
    ( primaries+=queryPrimary (ops+=setOperator primaries+=queryPrimary)*
      orderByClause? limitOffsetClause*
    | dmlStatement
    )
  ;

dmlStatement
  : insertStatement
  | updateStatement
  | deleteStatement
  ;

withClause
  : WITH RECURSIVE? commonTableExpr (COMMA commonTableExpr)*
  ;

commonTableExpr
  : identifier (LPAREN identifierList RPAREN)? AS (NOT? MATERIALIZED)? LPAREN query RPAREN
  ;

setOperator
  : op=(UNION | EXCEPT | INTERSECT) quantifier=(ALL | DISTINCT)?
  ;

// A SELECT block's clauses are inlined with labels (fewer rule levels, direct accessors).
queryPrimary
  : SELECT (quantifier=ALL | quantifier=DISTINCT
            (ON LPAREN distinctOn+=expr (COMMA distinctOn+=expr)* RPAREN)?)?
    items+=selectItem (COMMA items+=selectItem)*
    (FROM from+=fromItem (COMMA from+=fromItem)*)?
    (WHERE where=expr)?
    (GROUP BY (ALL | DISTINCT)? groupBy+=expr (COMMA groupBy+=expr)*)?
    (HAVING having=expr)?
    (WINDOW windows+=windowDefinition (COMMA windows+=windowDefinition)*)?   # selectPrimary
  | VALUES rows+=valuesRow (COMMA rows+=valuesRow)*                           # valuesPrimary
  | TABLE qualifiedName                                                       # tablePrimary
  | LPAREN query RPAREN                                                       # parenPrimary
  ;

// Items are DEFAULT or an expression (inlined: VALUES lists are the bulk-insert hot path).
valuesRow
  : LPAREN (DEFAULT | expr) (COMMA (DEFAULT | expr))* RPAREN
  ;

selectItem
  : STAR
  | expr (AS colLabel | IDENT | QUOTED_IDENT)?
  ;

fromClause
  : FROM fromItem (COMMA fromItem)*
  ;

whereClause
  : WHERE expr
  ;

windowDefinition
  : identifier AS LPAREN windowSpec RPAREN
  ;

orderByClause
  : ORDER BY sortItem (COMMA sortItem)*
  ;

sortItem
  : expr (ASC | DESC)? (NULLS (FIRST | LAST))?
  ;

limitOffsetClause
  : LIMIT (ALL | expr)                                            # limitClause
  | OFFSET expr (ROW | ROWS)?                                     # offsetClause
  | FETCH (FIRST | NEXT) fetchCount? (ROW | ROWS) ONLY            # fetchClause
  ;

fetchCount
  : (PLUS | MINUS)? (INTEGER | DECIMAL)
  | PARAM
  | LPAREN expr RPAREN
  ;

// ---- FROM

fromItem
  : tableRef joinPart*
  ;

joinPart
  : CROSS JOIN tableRef                                           # crossJoin
  | NATURAL joinType? JOIN tableRef                               # naturalJoin
  | joinType? JOIN fromItem joinCondition                         # qualifiedJoin
  ;

joinType
  : INNER
  | LEFT OUTER?
  | RIGHT OUTER?
  | FULL OUTER?
  ;

joinCondition
  : ON expr
  | USING LPAREN identifierList RPAREN (AS identifier)?
  ;

tableRef
  : qualifiedName systemTimeClause? aliasClause? tablesampleClause? # baseTableRef
  | LATERAL? LPAREN query RPAREN aliasClause?                     # subqueryTableRef
  | LATERAL? tableFunctionCall aliasClause?                       # functionTableRef
  | LPAREN fromItem RPAREN aliasClause?                           # parenTableRef
  ;

tableFunctionCall
  : funcName LPAREN functionArgs? RPAREN (WITH ORDINALITY)?
  ;

systemTimeClause
  : FOR SYSTEM_TIME AS OF bExpr
  ;

// TABLESAMPLE method (percentage) [REPEATABLE (seed)]: SYSTEM and BERNOULLI.
tablesampleClause
  : TABLESAMPLE funcName LPAREN expr (COMMA expr)* RPAREN (REPEATABLE LPAREN expr RPAREN)?
  ;

aliasClause
  : AS? identifier (LPAREN identifierList RPAREN)?
  ;

// =============================================================================================
// Expressions. Precedence, lowest first: OR; AND; NOT; IS / ISNULL / NOTNULL; comparison;
// BETWEEN / IN / LIKE / ILIKE / SIMILAR; then bExpr: other operators; + -; * / %; ^; AT TIME ZONE;
// COLLATE; unary + -; [ ] subscripts; :: casts. ANTLR gives earlier alternatives higher
// precedence.

expr
  : bExpr                                                                 # exprOperand
  | expr NOT? BETWEEN (SYMMETRIC | ASYMMETRIC)? bExpr AND bExpr          # exprBetween
  | expr NOT? IN LPAREN (query | expr (COMMA expr)*) RPAREN              # exprIn
  | expr NOT? (LIKE | ILIKE) bExpr (ESCAPE bExpr)?                        # exprLike
  | expr NOT? SIMILAR TO bExpr (ESCAPE bExpr)?                            # exprSimilar
  | expr op=(EQ | NEQ | NEQ2 | LT | GT | LTE | GTE)
    quantifier=(ANY | SOME | ALL) LPAREN (query | expr) RPAREN           # exprQuantified
  | expr op=(EQ | NEQ | NEQ2 | LT | GT | LTE | GTE) expr                 # exprCompare
  | expr IS NOT? (NULL_ | TRUE_ | FALSE_ | UNKNOWN)                       # exprIsBool
  | expr IS NOT? DISTINCT FROM expr                                       # exprIsDistinct
  | expr (ISNULL | NOTNULL)                                               # exprIsNullPostfix
  | NOT expr                                                              # exprNot
  | expr AND expr                                                         # exprAnd
  | expr OR expr                                                          # exprOr
  ;

bExpr
  : INTEGER                                                               # bInteger
  | DECIMAL                                                               # bDecimal
  | (STRING | ESCAPE_STRING | UNICODE_STRING | DOLLAR_STRING)              # bString
  | (BIT_STRING | HEX_STRING)                                             # bBitString
  | (TRUE_ | FALSE_)                                                      # bBool
  | NULL_                                                                 # bNull
  | PARAM                                                                 # bParam
  | typedLiteral                                                          # bTypedLiteral
  | functionCall                                                          # bFunction
  | specialFunction                                                       # bSpecialFunction
  | identifier (DOT colLabel)* (DOT STAR)?                                # bColumnRef
  | LPAREN query RPAREN                                                   # bSubquery
  | LPAREN expr (COMMA expr)* RPAREN                                      # bParen
  | ROW LPAREN (expr (COMMA expr)*)? RPAREN                               # bRow
  | EXISTS LPAREN query RPAREN                                            # bExists
  | ARRAY arrayBrackets                                                   # bArray
  | ARRAY LPAREN query RPAREN                                             # bArraySubquery
  | CASE operand=expr? (WHEN expr THEN expr)+ (ELSE elseExpr=expr)? END   # bCase
  | bExpr TYPECAST typeName                                               # bCast
  | bExpr LBRACKET expr RBRACKET                                          # bSubscript
  | bExpr DOT colLabel                                                    # bFieldSelect
  | op=(PLUS | MINUS) bExpr                                               # bUnary
  | bExpr COLLATE anyName                                                 # bCollate
  | bExpr AT TIME ZONE bExpr                                              # bAtTimeZone
  | bExpr op=CARET bExpr                                                  # bBinary
  | bExpr op=(STAR | SLASH | PERCENT) bExpr                               # bBinary
  | bExpr op=(PLUS | MINUS) bExpr                                         # bBinary
  | op=(TILDE | AT_SIGN) bExpr                                            # bPrefixOp
  | bExpr qualOp bExpr                                                    # bOtherOp
  ;

arrayBrackets
  : LBRACKET (arrayElement (COMMA arrayElement)*)? RBRACKET
  ;

arrayElement
  : arrayBrackets
  | expr
  ;

qualOp
  : CONCAT | TILDE | NOT_TILDE | TILDE_STAR | NOT_TILDE_STAR | ARROW | ARROW2 | HASH_ARROW
  | HASH_ARROW2 | AT_GT | LT_AT | QUESTION | QUESTION_PIPE | QUESTION_AMP | SHIFT_LEFT
  | SHIFT_RIGHT | AMP | PIPE | HASH | AT_AT | AMP_AMP
  | OPERATOR LPAREN (identifier DOT)* anyOperator RPAREN
  ;

anyOperator
  : qualOp | PLUS | MINUS | STAR | SLASH | PERCENT | CARET | EQ | NEQ | NEQ2 | LT | GT | LTE
  | GTE | AT_SIGN
  ;

functionCall
  : funcName LPAREN functionArgs? RPAREN
    (WITHIN GROUP LPAREN orderByClause RPAREN)?
    (FILTER LPAREN WHERE expr RPAREN)?
    (OVER (identifier | LPAREN windowSpec RPAREN))?
  ;

functionArgs
  : STAR
  | (ALL | DISTINCT)? expr (COMMA expr)* orderByClause?
  ;

funcName
  : funcNameIdentifier
  | identifier (DOT colLabel)+
  ;

windowSpec
  : identifier? (PARTITION BY expr (COMMA expr)*)? orderByClause? frameClause?
  ;

frameClause
  : frameMode=(RANGE | ROWS | GROUPS) (frameBound | BETWEEN frameBound AND frameBound)
  ;

frameBound
  : UNBOUNDED (PRECEDING | FOLLOWING)
  | CURRENT ROW
  | bExpr (PRECEDING | FOLLOWING)
  ;

specialFunction
  : CAST LPAREN expr AS typeName RPAREN                                    # castFunction
  | EXTRACT LPAREN (identifier | stringConst) FROM expr RPAREN              # extractFunction
  | SUBSTRING LPAREN expr
    ( (FROM expr)? (FOR expr)?
    | FOR expr FROM expr
    | (COMMA expr)+
    ) RPAREN                                                               # substringFunction
  | POSITION LPAREN bExpr IN bExpr RPAREN                                  # positionFunction
  | TRIM LPAREN trimSide=(BOTH | LEADING | TRAILING)?
    ( FROM expr (COMMA expr)*
    | expr (FROM expr (COMMA expr)* | (COMMA expr)*)
    ) RPAREN                                                               # trimFunction
  | OVERLAY LPAREN expr PLACING expr FROM expr (FOR expr)? RPAREN          # overlayFunction
  | (CURRENT_TIME | CURRENT_TIMESTAMP | LOCALTIME | LOCALTIMESTAMP)
    (LPAREN INTEGER RPAREN)?                                               # timeFunction
  | CURRENT_SCHEMA (LPAREN RPAREN)?                                        # valueFunction
  | (CURRENT_DATE | CURRENT_USER | CURRENT_ROLE | SESSION_USER | USER
    | CURRENT_CATALOG)                                                     # valueFunction
  ;

typedLiteral
  : INTERVAL stringConst intervalQualifier?
  | constTypeName stringConst
  ;

constTypeName
  : (TIMESTAMP | TIME) (LPAREN INTEGER RPAREN)? ((WITH | WITHOUT) TIME ZONE)?
  | DOUBLE PRECISION
  | (CHARACTER | CHAR) VARYING? (LPAREN INTEGER RPAREN)?
  | funcName
  ;

intervalQualifier
  : intervalUnit (TO intervalUnit)?
  ;

intervalUnit
  : YEAR | MONTH | DAY | HOUR | MINUTE | SECOND (LPAREN INTEGER RPAREN)?
  ;

// ---- Types

typeName
  : simpleTypeName (LBRACKET INTEGER? RBRACKET)* (ARRAY (LBRACKET INTEGER RBRACKET)?)?
  ;

simpleTypeName
  : (TIMESTAMP | TIME) (LPAREN INTEGER RPAREN)? ((WITH | WITHOUT) TIME ZONE)?
  | INTERVAL intervalQualifier? (LPAREN INTEGER RPAREN)?
  | DOUBLE PRECISION
  | (CHARACTER | CHAR) VARYING? (LPAREN INTEGER RPAREN)?
  | funcNameIdentifier (DOT colLabel)* (LPAREN typeModifier (COMMA typeModifier)* RPAREN)?
  ;

typeModifier
  : MINUS? INTEGER
  ;

// ---- Names and literals

qualifiedName
  : identifier (DOT colLabel)*
  ;

anyName
  : identifier (DOT colLabel)*
  ;

identifierList
  : identifier (COMMA identifier)*
  ;

// Identifiers. Keywords fall in PostgreSQL's four categories, which decide where a keyword may
// serve as a name (the rules below list them as token sets, so that matching a name is a single
// set test):
//   unreserved:     ABORT ADD ALTER AT BEGIN BINARY BY CASCADE CHAIN CHARACTERISTICS CLOSE COMMIT
//                   COMMITTED CONFLICT COPY CSV CURRENT DAY DEALLOCATE DELETE DELIMITER DISCARD
//                   DOUBLE DROP EMIT ENCODE ENCODING ESCAPE EXECUTE EXPLAIN FILTER FIRST FOLLOWING FORMAT
//                   GROUPS HEADER HOUR IF INCLUDE INDEX INSERT ISOLATION KEY LAST LEVEL LOCAL MATERIALIZED
//                   MATCHED MERGE MINUTE MONTH NAMES NEXT NO NOTHING NULLS OF OPERATOR ORDINALITY OVER PARTITION
//                   PRECEDING PREPARE QUOTE RANGE READ RECURSIVE RELEASE RENAME REPEATABLE REPLACE
//                   RESET RESTRICT ROLLBACK ROWS SAVEPOINT SCHEMA SECOND SERIALIZABLE SESSION SET
//                   SHOW SINK SOURCE START STDIN STDOUT SUBSCRIBE SYSTEM_TIME TEMP TEMPORARY
//                   TRANSACTION TRUNCATE UNBOUNDED UNCOMMITTED UNKNOWN UPDATE VARYING VIEW VIEWS
//                   WATERMARK WITHIN WITHOUT WORK WRITE YEAR ZONE
//   column name:    CHAR CHARACTER EXTRACT INTERVAL OVERLAY POSITION PRECISION ROW SUBSTRING TIME
//                   TIMESTAMP TRIM
//   type/function:  CROSS CURRENT_SCHEMA FULL INNER JOIN LEFT NATURAL OUTER RIGHT TABLESAMPLE
//                   VERBOSE
//   reserved:       everything else.

// A column, table or alias name (PostgreSQL's ColId): IDENT, QUOTED_IDENT, unreserved and
// column-name keywords.
identifier
  : IDENT | QUOTED_IDENT | ABORT | ADD | ALTER | AT | BEGIN | BINARY | BY | CASCADE | CHAIN
  | CHARACTERISTICS | CLOSE | COMMIT | COMMITTED | CONFLICT | COPY | CSV | CURRENT | DAY
  | DEALLOCATE | DELETE | DELIMITER | DISCARD | DOUBLE | DROP | EMIT | ENCODE | ENCODING | ESCAPE
  | EXECUTE | EXPLAIN | FILTER | FIRST | FOLLOWING | FORMAT | GROUPS | HEADER | HOUR | IF
  | INCLUDE | INDEX | INSERT | ISOLATION | KEY | LAST | LEVEL | LOCAL | MATERIALIZED | MINUTE | MONTH
  | MATCHED | MERGE | NAMES | NEXT | NO | NOTHING | NULLS | OF | OPERATOR | ORDINALITY | OVER | PARTITION
  | PRECEDING | PREPARE | QUOTE | RANGE | READ | RECURSIVE | RELEASE | RENAME | REPEATABLE
  | REPLACE | RESET | RESTRICT | ROLLBACK | ROWS | SAVEPOINT | SCHEMA | SECOND | SERIALIZABLE
  | SESSION | SET | SHOW | SINK | SOURCE | START | STDIN | STDOUT | SUBSCRIBE | SYSTEM_TIME
  | TEMP | TEMPORARY | TRANSACTION | TRUNCATE | UNBOUNDED | UNCOMMITTED | UNKNOWN | UPDATE
  | VARYING | VIEW | VIEWS | WATERMARK | WITHIN | WITHOUT | WORK | WRITE | YEAR | ZONE | CHAR
  | CHARACTER | EXTRACT | INTERVAL | OVERLAY | POSITION | PRECISION | ROW | SUBSTRING | TIME
  | TIMESTAMP | TRIM
  ;

// A function or type name (PostgreSQL's type_function_name): IDENT, QUOTED_IDENT, unreserved and
// type/function-name keywords.
funcNameIdentifier
  : IDENT | QUOTED_IDENT | ABORT | ADD | ALTER | AT | BEGIN | BINARY | BY | CASCADE | CHAIN
  | CHARACTERISTICS | CLOSE | COMMIT | COMMITTED | CONFLICT | COPY | CSV | CURRENT | DAY
  | DEALLOCATE | DELETE | DELIMITER | DISCARD | DOUBLE | DROP | EMIT | ENCODE | ENCODING | ESCAPE
  | EXECUTE | EXPLAIN | FILTER | FIRST | FOLLOWING | FORMAT | GROUPS | HEADER | HOUR | IF
  | INCLUDE | INDEX | INSERT | ISOLATION | KEY | LAST | LEVEL | LOCAL | MATERIALIZED | MINUTE | MONTH
  | MATCHED | MERGE | NAMES | NEXT | NO | NOTHING | NULLS | OF | OPERATOR | ORDINALITY | OVER | PARTITION
  | PRECEDING | PREPARE | QUOTE | RANGE | READ | RECURSIVE | RELEASE | RENAME | REPEATABLE
  | REPLACE | RESET | RESTRICT | ROLLBACK | ROWS | SAVEPOINT | SCHEMA | SECOND | SERIALIZABLE
  | SESSION | SET | SHOW | SINK | SOURCE | START | STDIN | STDOUT | SUBSCRIBE | SYSTEM_TIME
  | TEMP | TEMPORARY | TRANSACTION | TRUNCATE | UNBOUNDED | UNCOMMITTED | UNKNOWN | UPDATE
  | VARYING | VIEW | VIEWS | WATERMARK | WITHIN | WITHOUT | WORK | WRITE | YEAR | ZONE | CROSS
  | CURRENT_SCHEMA | FULL | INNER | JOIN | LEFT | NATURAL | OUTER | RIGHT | TABLESAMPLE | VERBOSE
  ;

// Any name, keywords included (PostgreSQL's ColLabel): after AS, after a dot.
colLabel
  : IDENT | QUOTED_IDENT | ABORT | ADD | ALTER | AT | BEGIN | BINARY | BY | CASCADE | CHAIN
  | CHARACTERISTICS | CLOSE | COMMIT | COMMITTED | CONFLICT | COPY | CSV | CURRENT | DAY
  | DEALLOCATE | DELETE | DELIMITER | DISCARD | DOUBLE | DROP | EMIT | ENCODE | ENCODING | ESCAPE
  | EXECUTE | EXPLAIN | FILTER | FIRST | FOLLOWING | FORMAT | GROUPS | HEADER | HOUR | IF
  | INCLUDE | INDEX | INSERT | ISOLATION | KEY | LAST | LEVEL | LOCAL | MATERIALIZED | MINUTE | MONTH
  | MATCHED | MERGE | NAMES | NEXT | NO | NOTHING | NULLS | OF | OPERATOR | ORDINALITY | OVER | PARTITION
  | PRECEDING | PREPARE | QUOTE | RANGE | READ | RECURSIVE | RELEASE | RENAME | REPEATABLE
  | REPLACE | RESET | RESTRICT | ROLLBACK | ROWS | SAVEPOINT | SCHEMA | SECOND | SERIALIZABLE
  | SESSION | SET | SHOW | SINK | SOURCE | START | STDIN | STDOUT | SUBSCRIBE | SYSTEM_TIME
  | TEMP | TEMPORARY | TRANSACTION | TRUNCATE | UNBOUNDED | UNCOMMITTED | UNKNOWN | UPDATE
  | VARYING | VIEW | VIEWS | WATERMARK | WITHIN | WITHOUT | WORK | WRITE | YEAR | ZONE | CHAR
  | CHARACTER | EXTRACT | INTERVAL | OVERLAY | POSITION | PRECISION | ROW | SUBSTRING | TIME
  | TIMESTAMP | TRIM | CROSS | CURRENT_SCHEMA | FULL | INNER | JOIN | LEFT | NATURAL | OUTER
  | RIGHT | TABLESAMPLE | VERBOSE | ALL | ANALYSE | ANALYZE | AND | ANY | ARRAY | AS | ASC | ASYMMETRIC
  | BETWEEN | BOTH | CASE | CAST | CHECK | COLLATE | COLUMN | CONSTRAINT | CREATE
  | CURRENT_CATALOG | CURRENT_DATE | CURRENT_ROLE | CURRENT_TIME | CURRENT_TIMESTAMP
  | CURRENT_USER | DEFAULT | DEFERRABLE | DESC | DISTINCT | DO | ELSE | END | EXCEPT | EXISTS
  | FALSE_ | FETCH | FOR | FOREIGN | FROM | GROUP | HAVING | ILIKE | IN | INTERSECT | INTO
  | IS | ISNULL | LATERAL | LEADING | LIKE | LIMIT | LOCALTIME | LOCALTIMESTAMP | NOT
  | NOTNULL | NULL_ | OFFSET | ON | ONLY | OR | ORDER | PLACING | PRIMARY | REFERENCES
  | RETURNING | SELECT | SESSION_USER | SIMILAR | SOME | SYMMETRIC | TABLE | THEN | TO
  | TRAILING | TRUE_ | UNION | UNIQUE | USER | USING | VALUES | VARIADIC | WHEN | WHERE
  | WINDOW | WITH
  ;

stringConst
  : STRING
  | ESCAPE_STRING
  | UNICODE_STRING
  | DOLLAR_STRING
  ;

signedNumber
  : (PLUS | MINUS)? (INTEGER | DECIMAL)
  ;






// =============================================================================================
// Lexer

SEMI: ';';
COMMA: ',';
DOT: '.';
LPAREN: '(';
RPAREN: ')';
LBRACKET: '[';
RBRACKET: ']';
TYPECAST: '::';
PLUS: '+';
MINUS: '-';
STAR: '*';
SLASH: '/';
PERCENT: '%';
CARET: '^';
EQ: '=';
NEQ: '<>';
NEQ2: '!=';
LT: '<';
GT: '>';
LTE: '<=';
GTE: '>=';
CONCAT: '||';
TILDE: '~';
NOT_TILDE: '!~';
TILDE_STAR: '~*';
NOT_TILDE_STAR: '!~*';
ARROW: '->';
ARROW2: '->>';
HASH_ARROW: '#>';
HASH_ARROW2: '#>>';
AT_GT: '@>';
LT_AT: '<@';
QUESTION: '?';
QUESTION_PIPE: '?|';
QUESTION_AMP: '?&';
SHIFT_LEFT: '<<';
SHIFT_RIGHT: '>>';
AMP: '&';
PIPE: '|';
HASH: '#';
AT_AT: '@@';
AMP_AMP: '&&';
AT_SIGN: '@';

// Keywords (case-insensitive).
ABORT: A B O R T;
ADD: A D D;
ALL: A L L;
ALTER: A L T E R;
ANALYSE: A N A L Y S E;
ANALYZE: A N A L Y Z E;
AND: A N D;
ANY: A N Y;
ARRAY: A R R A Y;
AS: A S;
ASC: A S C;
ASYMMETRIC: A S Y M M E T R I C;
AT: A T;
BEGIN: B E G I N;
BETWEEN: B E T W E E N;
BINARY: B I N A R Y;
BOTH: B O T H;
BY: B Y;
CASCADE: C A S C A D E;
CASE: C A S E;
CAST: C A S T;
CHAIN: C H A I N;
CHAR: C H A R;
CHARACTER: C H A R A C T E R;
CHARACTERISTICS: C H A R A C T E R I S T I C S;
CHECK: C H E C K;
CLOSE: C L O S E;
COLLATE: C O L L A T E;
COLUMN: C O L U M N;
COMMIT: C O M M I T;
COMMITTED: C O M M I T T E D;
CONFLICT: C O N F L I C T;
CONSTRAINT: C O N S T R A I N T;
COPY: C O P Y;
CREATE: C R E A T E;
CROSS: C R O S S;
CSV: C S V;
CURRENT: C U R R E N T;
CURRENT_CATALOG: C U R R E N T '_' C A T A L O G;
CURRENT_DATE: C U R R E N T '_' D A T E;
CURRENT_ROLE: C U R R E N T '_' R O L E;
CURRENT_SCHEMA: C U R R E N T '_' S C H E M A;
CURRENT_TIME: C U R R E N T '_' T I M E;
CURRENT_TIMESTAMP: C U R R E N T '_' T I M E S T A M P;
CURRENT_USER: C U R R E N T '_' U S E R;
DAY: D A Y;
DEALLOCATE: D E A L L O C A T E;
DEFAULT: D E F A U L T;
DEFERRABLE: D E F E R R A B L E;
DELETE: D E L E T E;
MATCHED: M A T C H E D;
MERGE: M E R G E;
DELIMITER: D E L I M I T E R;
DESC: D E S C;
DISCARD: D I S C A R D;
DISTINCT: D I S T I N C T;
DO: D O;
DOUBLE: D O U B L E;
DROP: D R O P;
ELSE: E L S E;
EMIT: E M I T;
ENCODE: E N C O D E;
ENCODING: E N C O D I N G;
END: E N D;
ESCAPE: E S C A P E;
EXCEPT: E X C E P T;
EXECUTE: E X E C U T E;
EXISTS: E X I S T S;
EXPLAIN: E X P L A I N;
EXTRACT: E X T R A C T;
FALSE_: F A L S E;
FETCH: F E T C H;
FILTER: F I L T E R;
FIRST: F I R S T;
FOLLOWING: F O L L O W I N G;
FOR: F O R;
FOREIGN: F O R E I G N;
FORMAT: F O R M A T;
FROM: F R O M;
FULL: F U L L;
GROUP: G R O U P;
GROUPS: G R O U P S;
HAVING: H A V I N G;
HEADER: H E A D E R;
HOUR: H O U R;
IF: I F;
ILIKE: I L I K E;
IN: I N;
INCLUDE: I N C L U D E;
INDEX: I N D E X;
INNER: I N N E R;
INSERT: I N S E R T;
INTERSECT: I N T E R S E C T;
INTERVAL: I N T E R V A L;
INTO: I N T O;
IS: I S;
ISNULL: I S N U L L;
ISOLATION: I S O L A T I O N;
JOIN: J O I N;
KEY: K E Y;
LAST: L A S T;
LATERAL: L A T E R A L;
LEADING: L E A D I N G;
LEFT: L E F T;
LEVEL: L E V E L;
LIKE: L I K E;
LIMIT: L I M I T;
LOCAL: L O C A L;
LOCALTIME: L O C A L T I M E;
LOCALTIMESTAMP: L O C A L T I M E S T A M P;
MATERIALIZED: M A T E R I A L I Z E D;
MINUTE: M I N U T E;
MONTH: M O N T H;
NAMES: N A M E S;
NATURAL: N A T U R A L;
NEXT: N E X T;
NO: N O;
NOT: N O T;
NOTHING: N O T H I N G;
NOTNULL: N O T N U L L;
NULLS: N U L L S;
NULL_: N U L L;
OF: O F;
OFFSET: O F F S E T;
ON: O N;
ONLY: O N L Y;
OPERATOR: O P E R A T O R;
OR: O R;
ORDER: O R D E R;
ORDINALITY: O R D I N A L I T Y;
OUTER: O U T E R;
OVER: O V E R;
OVERLAY: O V E R L A Y;
PARTITION: P A R T I T I O N;
PLACING: P L A C I N G;
POSITION: P O S I T I O N;
PRECEDING: P R E C E D I N G;
PRECISION: P R E C I S I O N;
PREPARE: P R E P A R E;
PRIMARY: P R I M A R Y;
QUOTE: Q U O T E;
RANGE: R A N G E;
READ: R E A D;
RECURSIVE: R E C U R S I V E;
REFERENCES: R E F E R E N C E S;
RELEASE: R E L E A S E;
RENAME: R E N A M E;
REPEATABLE: R E P E A T A B L E;
REPLACE: R E P L A C E;
RESET: R E S E T;
RESTRICT: R E S T R I C T;
RETURNING: R E T U R N I N G;
RIGHT: R I G H T;
ROLLBACK: R O L L B A C K;
ROW: R O W;
ROWS: R O W S;
SAVEPOINT: S A V E P O I N T;
SCHEMA: S C H E M A;
SECOND: S E C O N D;
SELECT: S E L E C T;
SERIALIZABLE: S E R I A L I Z A B L E;
SESSION: S E S S I O N;
SESSION_USER: S E S S I O N '_' U S E R;
SET: S E T;
SHOW: S H O W;
SIMILAR: S I M I L A R;
SINK: S I N K;
SOME: S O M E;
SOURCE: S O U R C E;
START: S T A R T;
STDIN: S T D I N;
STDOUT: S T D O U T;
SUBSCRIBE: S U B S C R I B E;
SUBSTRING: S U B S T R I N G;
SYMMETRIC: S Y M M E T R I C;
SYSTEM_TIME: S Y S T E M '_' T I M E;
TABLESAMPLE: T A B L E S A M P L E;
TABLE: T A B L E;
TEMP: T E M P;
TEMPORARY: T E M P O R A R Y;
THEN: T H E N;
TIME: T I M E;
TIMESTAMP: T I M E S T A M P;
TO: T O;
TRAILING: T R A I L I N G;
TRANSACTION: T R A N S A C T I O N;
TRIM: T R I M;
TRUE_: T R U E;
TRUNCATE: T R U N C A T E;
UNBOUNDED: U N B O U N D E D;
UNCOMMITTED: U N C O M M I T T E D;
UNION: U N I O N;
UNIQUE: U N I Q U E;
UNKNOWN: U N K N O W N;
UPDATE: U P D A T E;
USER: U S E R;
USING: U S I N G;
VALUES: V A L U E S;
VARIADIC: V A R I A D I C;
VARYING: V A R Y I N G;
VERBOSE: V E R B O S E;
VIEW: V I E W;
VIEWS: V I E W S;
WATERMARK: W A T E R M A R K;
WHEN: W H E N;
WHERE: W H E R E;
WINDOW: W I N D O W;
WITH: W I T H;
WITHIN: W I T H I N;
WITHOUT: W I T H O U T;
WORK: W O R K;
WRITE: W R I T E;
YEAR: Y E A R;
ZONE: Z O N E;

INTEGER: DIGIT+;
DECIMAL
  : DIGIT+ '.' DIGIT* EXPONENT?
  | '.' DIGIT+ EXPONENT?
  | DIGIT+ EXPONENT
  ;
PARAM: '$' DIGIT+;

STRING: '\'' (~'\'' | '\'\'')* '\'';
ESCAPE_STRING: E '\'' (~['\\] | '\'\'' | '\\' .)* '\'';
UNICODE_STRING: U '&\'' (~'\'' | '\'\'')* '\'';
BIT_STRING: B '\'' ~'\''* '\'';
HEX_STRING: X '\'' ~'\''* '\'';
DOLLAR_STRING: '$' (IDENT_START IDENT_PART*)? '$' { consumeDollarBody(); };
UNTERMINATED_STRING
  : '\'' (~'\'' | '\'\'')*
  | E '\'' (~['\\] | '\'\'' | '\\' .)* '\\'?
  ;

IDENT: IDENT_START (IDENT_PART | '$')*;
QUOTED_IDENT: '"' (~'"' | '""')* '"';
UNTERMINATED_QUOTED_IDENT: '"' (~'"' | '""')*;

WHITESPACE: [ \t\r\n\f]+ -> skip;
LINE_COMMENT: '--' ~[\r\n]* -> skip;
COMMENT_START: '/*' { consumeBlockComment(); };

ERROR_CHAR: .;

fragment DIGIT: [0-9];
fragment EXPONENT: E [+-]? DIGIT+;
fragment IDENT_START: [a-zA-Z_\u0080-\u{10FFFF}];
fragment IDENT_PART: [a-zA-Z_0-9\u0080-\u{10FFFF}];

fragment A: [aA];
fragment B: [bB];
fragment C: [cC];
fragment D: [dD];
fragment E: [eE];
fragment F: [fF];
fragment G: [gG];
fragment H: [hH];
fragment I: [iI];
fragment J: [jJ];
fragment K: [kK];
fragment L: [lL];
fragment M: [mM];
fragment N: [nN];
fragment O: [oO];
fragment P: [pP];
fragment Q: [qQ];
fragment R: [rR];
fragment S: [sS];
fragment T: [tT];
fragment U: [uU];
fragment V: [vV];
fragment W: [wW];
fragment X: [xX];
fragment Y: [yY];
fragment Z: [zZ];

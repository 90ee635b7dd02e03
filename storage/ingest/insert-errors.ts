/**
 * Which insert failures count against a batch. ClickHouse rejecting the data (cannot parse, type
 * mismatch, unknown enum value, …) counts: after `ingest.maxDeliveries` such failures the entries are
 * set aside. Everything else — no connection, timeouts, memory, too many parts — means ClickHouse is
 * unavailable for now: the entries wait in the stream and the insert is retried without limit.
 */
import { ClickHouseError } from '@clickhouse/client';

const DATA_ERROR_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  32, // ATTEMPT_TO_READ_AFTER_EOF
  36, // BAD_ARGUMENTS
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  131, // TOO_LARGE_STRING_SIZE
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  691, // UNKNOWN_ELEMENT_OF_ENUM
]);

/** True if ClickHouse rejected the data itself (retrying the same rows will fail the same way). */
export function isDataError(err: unknown): boolean {
  if (!(err instanceof ClickHouseError) && !(err instanceof Error && 'code' in err && 'type' in err)) return false;
  const code = Number((err as { code: unknown }).code);
  return DATA_ERROR_CODES.has(code);
}

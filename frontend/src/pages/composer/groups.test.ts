import { describe, expect, it } from "vitest";
import { withGroup } from "./groups.ts";

describe("withGroup", () => {
  it("appends the group on a line of its own", () => {
    expect(withGroup("Sunny day", ["travel", "sun"])).toBe("Sunny day\n#travel #sun");
  });
  it("fills an empty caption", () => {
    expect(withGroup("  ", ["travel"])).toBe("#travel");
  });
  it("does not repeat hashtags already in the caption", () => {
    expect(withGroup("Off we go #Travel", ["travel", "sun"])).toBe("Off we go #Travel\n#sun");
    expect(withGroup("#sun", ["sun"])).toBe("#sun");
  });
});

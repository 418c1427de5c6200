import "../helpers.js";
import { testDocument } from "./code-blocks.js";

testDocument("docs/attention.md", 10);

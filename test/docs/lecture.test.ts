import "../helpers.js";
import { testDocument } from "./code-blocks.js";

testDocument("docs/lecture.md", 10);

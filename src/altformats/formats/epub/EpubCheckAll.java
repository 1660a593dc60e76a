// EPUBCheck on several books in one JVM: `java -jar epubcheck.jar` starts a JVM for each book
// (about 3 s of a 2-core machine's time), this runs each as that command would, one after another.
// Usage: java -cp epubcheck.jar EpubCheckAll.java OUTDIR BOOK...  ->  OUTDIR/<n>.json for the n-th BOOK (from 0),
// the report of `epubcheck BOOK --quiet --json OUTDIR/<n>.json`.
import com.adobe.epubcheck.tool.EpubChecker;

public class EpubCheckAll {
    public static void main(String[] args) {
        for (int i = 1; i < args.length; i++) {
            new EpubChecker().run(new String[] {args[i], "--quiet", "--json", args[0] + "/" + (i - 1) + ".json"});
        }
    }
}

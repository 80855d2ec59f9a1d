package example;

/** The example's whole app: prints which Java runs it, to show the final stage's runtime. */
public final class Hello {
    private Hello() {}

    public static void main(String[] args) {
        System.out.println("hello from java " + Runtime.version().feature());
    }
}

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;

/**
 * Sends N one-byte UDP datagrams to 127.0.0.1:9999 and counts those that arrive there; prints
 * "<arrived> <seconds> <arrived per second>". Run inside the network namespace under test.
 */
public class UdpFlood {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket rx = new DatagramSocket(9999, lo); DatagramSocket tx = new DatagramSocket()) {
            rx.setReceiveBufferSize(8 << 20);
            rx.setSoTimeout(2000);
            int[] got = {0};
            long[] last = {0};
            Thread receiver = Thread.ofPlatform().start(() -> {
                DatagramPacket p = new DatagramPacket(new byte[16], 16);
                try {
                    while (got[0] < n) {
                        rx.receive(p);
                        got[0]++;
                        last[0] = System.nanoTime();
                    }
                } catch (SocketTimeoutException e) {
                    // the rest were lost
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] b = {1};
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                tx.send(new DatagramPacket(b, 1, lo, 9999));
                if ((i & 1023) == 0) {
                    Thread.onSpinWait();
                }
            }
            receiver.join();
            double s = (last[0] - t0) / 1e9;
            System.out.printf("%d %.3f %.0f%n", got[0], s, got[0] / s);
        }
    }
}
